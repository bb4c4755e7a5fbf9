// Wire (pure, Foundation only): turns SSE events of a streamed chat completion (or one non-streamed body)
// into what the reply consists of: pcm16 audio as it arrives, transcript fragments, the audio id and expiry,
// tool calls (assembled by index, released when the turn ends), the finish reason and usage. Every field is
// optional. A chunk that is not JSON is skipped and reported as `.malformed` (the client logs a warning and
// counts it): losing 20-50 ms of one reply beats dropping the caller's whole turn. A lost tool-call fragment
// still fails the turn, because the assembled arguments then do not parse.
import Foundation
import SwitchboardCore

public struct ChatChunkDecoder: Sendable {
    public enum Output: Sendable, Equatable {
        case audio(samples: [Int16], sampleRate: Int)
        case transcriptDelta(String)
        case audioID(String)
        case audioExpiresAt(Int)
        case toolCalls([ChatToolCall])
        case finishReason(String)
        /// The model declined (`delta.refusal` / `message.refusal`): text to tell the caller.
        case refusal(String)
        case usage(ChatUsage)
        case error(APIErrorBody)
        case malformed(String)
        case done
    }

    /// Rate of streamed pcm16 (24 kHz for OpenAI; from the provider profile).
    public let pcmSampleRate: Int
    private var tools = ToolCallAssembler()
    private var toolCallsReleased = false
    var carry: UInt8?
    public private(set) var isDone = false

    public init(pcmSampleRate: Int = 24000) {
        self.pcmSampleRate = pcmSampleRate
    }

    /// Decodes one SSE event of a streamed response.
    public mutating func decode(_ event: SSEEvent) throws(ToolCallAssemblyError) -> [Output] {
        guard !isDone else { return [] }
        let text = event.data.trimmingCharacters(in: .whitespaces)
        if text == "[DONE]" {
            var outputs = try releaseToolCalls()
            outputs.append(.done)
            isDone = true
            return outputs
        }
        if text.isEmpty { return [] }
        guard let json = try? JSONValue.parse(text), json.objectValue != nil else {
            return [.malformed(String(text.prefix(120)))]
        }
        if json["choices"] == nil, let error = APIErrorBody(json: json) { return [.error(error)] }
        if event.event == "error" { return [.error(APIErrorBody(json: json) ?? APIErrorBody(message: text))] }
        var outputs: [Output] = []
        for choice in json["choices"]?.arrayValue ?? [] where (choice["index"]?.intValue ?? 0) == 0 {
            if let delta = choice["delta"] { decodeDelta(delta, into: &outputs) }
            if let reason = choice["finish_reason"]?.stringValue {
                outputs += try releaseToolCalls()
                outputs.append(.finishReason(reason))
            }
        }
        if let usage = ChatUsage(json: json["usage"]) { outputs.append(.usage(usage)) }
        return outputs
    }

    /// The body ended (with or without `[DONE]`): releases tool calls not yet released.
    public mutating func finish() throws(ToolCallAssemblyError) -> [Output] {
        guard !isDone else { return [] }
        isDone = true
        var outputs = try releaseToolCalls()
        outputs.append(.done)
        return outputs
    }

    private mutating func decodeDelta(_ delta: JSONValue, into outputs: inout [Output]) {
        if let audio = delta["audio"] {
            if let id = audio["id"]?.stringValue, !id.isEmpty { outputs.append(.audioID(id)) }
            if let base64 = audio["data"]?.stringValue, !base64.isEmpty {
                if let bytes = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) {
                    let samples = pcm16(bytes)
                    if !samples.isEmpty { outputs.append(.audio(samples: samples, sampleRate: pcmSampleRate)) }
                } else {
                    outputs.append(.malformed("audio data is not base64"))
                }
            }
            if let transcript = audio["transcript"]?.stringValue, !transcript.isEmpty {
                outputs.append(.transcriptDelta(transcript))
            }
            if let expires = audio["expires_at"]?.intValue { outputs.append(.audioExpiresAt(expires)) }
        }
        if let content = delta["content"]?.stringValue, !content.isEmpty { outputs.append(.transcriptDelta(content)) }
        if let refusal = delta["refusal"]?.stringValue, !refusal.isEmpty { outputs.append(.refusal(refusal)) }
        for fragment in delta["tool_calls"]?.arrayValue ?? [] { tools.add(fragment) }
    }

    private mutating func releaseToolCalls() throws(ToolCallAssemblyError) -> [Output] {
        guard !toolCallsReleased, !tools.isEmpty else { return [] }
        toolCallsReleased = true
        return [.toolCalls(try tools.assembled())]
    }

    /// pcm16 LE bytes to samples, carrying an odd byte over to the next chunk.
    private mutating func pcm16(_ bytes: Data) -> [Int16] {
        var samples: [Int16] = []
        samples.reserveCapacity((bytes.count + 1) / 2)
        var index = bytes.startIndex
        if let low = carry, index < bytes.endIndex {
            samples.append(Int16(bitPattern: UInt16(low) | UInt16(bytes[index]) << 8))
            index = bytes.index(after: index)
            carry = nil
        }
        while bytes.distance(from: index, to: bytes.endIndex) >= 2 {
            samples.append(Int16(bitPattern: UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8))
            index += 2
        }
        if index < bytes.endIndex { carry = bytes[index] }
        return samples
    }
}
