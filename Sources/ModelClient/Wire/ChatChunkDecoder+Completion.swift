// Wire (pure, Foundation only): the non-streamed response (`choices[0].message` with `audio.data` holding the
// whole file as WAV or pcm16), decoded into the same outputs as a stream.
public import Foundation
import SwitchboardCore

extension ChatChunkDecoder {
    /// Decodes a complete `chat.completion` body. Errors in the body come back as `.error`.
    public static func decodeCompletion(_ body: Data, pcmSampleRate: Int = 24000) -> [Output] {
        guard let json = try? JSONValue.parse(body), json.objectValue != nil else {
            return [.malformed(String(decoding: body.prefix(120), as: UTF8.self))]
        }
        if json["choices"] == nil, let error = APIErrorBody(json: json) { return [.error(error)] }
        var outputs: [Output] = []
        if let choice = json["choices"]?[0], let message = choice["message"] {
            if let audio = message["audio"], audio.objectValue != nil {
                if let id = audio["id"]?.stringValue { outputs.append(.audioID(id)) }
                if let base64 = audio["data"]?.stringValue, !base64.isEmpty {
                    if let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) {
                        do {
                            let payload = try ReplyAudioPayload.decode(data, defaultRate: pcmSampleRate)
                            outputs.append(.audio(samples: payload.samples, sampleRate: payload.sampleRate))
                        } catch {
                            outputs.append(.malformed(error.message))
                        }
                    } else {
                        outputs.append(.malformed("audio data is not base64"))
                    }
                }
                if let transcript = audio["transcript"]?.stringValue, !transcript.isEmpty {
                    outputs.append(.transcriptDelta(transcript))
                }
                if let expires = audio["expires_at"]?.intValue { outputs.append(.audioExpiresAt(expires)) }
            }
            if let content = message["content"]?.stringValue, !content.isEmpty { outputs.append(.transcriptDelta(content)) }
            if let refusal = message["refusal"]?.stringValue, !refusal.isEmpty { outputs.append(.refusal(refusal)) }
            let calls = (message["tool_calls"]?.arrayValue ?? []).enumerated().compactMap { index, call -> ChatToolCall? in
                guard let name = call["function"]?["name"]?.stringValue else { return nil }
                return ChatToolCall(
                    id: call["id"]?.stringValue ?? "call_\(index)", name: name,
                    arguments: call["function"]?["arguments"]?.stringValue ?? "{}")
            }
            if !calls.isEmpty { outputs.append(.toolCalls(calls)) }
            if let reason = choice["finish_reason"]?.stringValue { outputs.append(.finishReason(reason)) }
        }
        if let usage = ChatUsage(json: json["usage"]) { outputs.append(.usage(usage)) }
        outputs.append(.done)
        return outputs
    }
}
