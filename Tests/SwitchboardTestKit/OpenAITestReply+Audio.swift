// SwitchboardTestKit: audio replies in the documented dialect, for tests that script the model: a streamed
// reply (audio id first, pcm16 24 kHz data interleaved with transcript, expires_at, finish_reason, usage) and the
// same reply non-streamed (`message.audio` with WAV data).
import Foundation

extension OpenAITestReply {
    /// Usage in the documented shape.
    public struct Usage: Sendable {
        public var promptText: Int
        public var promptAudio: Int
        public var completionText: Int
        public var completionAudio: Int

        public init(promptText: Int, promptAudio: Int, completionText: Int, completionAudio: Int) {
            self.promptText = promptText
            self.promptAudio = promptAudio
            self.completionText = completionText
            self.completionAudio = completionAudio
        }

        var json: String {
            let prompt = promptText + promptAudio
            let completion = completionText + completionAudio
            return #"{"prompt_tokens":\#(prompt),"completion_tokens":\#(completion),"total_tokens":\#(prompt + completion),"#
                + #""prompt_tokens_details":{"audio_tokens":\#(promptAudio),"cached_tokens":0,"text_tokens":\#(promptText),"image_tokens":0},"#
                + #""completion_tokens_details":{"audio_tokens":\#(completionAudio),"text_tokens":\#(completionText),"reasoning_tokens":0}}"#
        }
    }

    /// `seconds` of a 440 Hz tone at 24 kHz (something audible to play).
    public static func tone24k(seconds: Double) -> [Int16] {
        (0..<Int(seconds * 24000)).map { Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / 24000)) }
    }

    static func base64(_ samples: ArraySlice<Int16>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(samples.count * 2)
        for sample in samples {
            let value = UInt16(bitPattern: sample)
            bytes += [UInt8(value & 0xFF), UInt8(value >> 8)]
        }
        return Data(bytes).base64EncodedString()
    }

    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }

    /// The SSE chunks of a spoken reply: the audio in 100 ms pieces, the transcript's words between them.
    public static func audioChunks(
        _ samples: [Int16], transcript: String, audioID: String, model: String = "gpt-audio-1.5", usage: Usage? = nil,
        expiresAt: Int = 4_102_444_800
    ) -> [String] {
        func chunk(_ delta: String, finish: String? = nil) -> String {
            #"{"id":"chatcmpl-test","object":"chat.completion.chunk","created":1764230400,"model":"\#(model)","choices":[{"index":0,"delta":\#(delta),"finish_reason":\#(finish.map { "\"\($0)\"" } ?? "null")}]}"#
        }
        var chunks = [chunk(#"{"role":"assistant","content":null,"refusal":null,"audio":{"id":"\#(audioID)"}}"#)]
        var words = transcript.split(separator: " ").map(String.init)
        var offset = 0
        while offset < samples.count || !words.isEmpty {
            if offset < samples.count {
                let end = min(samples.count, offset + 2400)
                chunks.append(chunk(#"{"audio":{"data":"\#(base64(samples[offset..<end]))"}}"#))
                offset = end
            }
            if !words.isEmpty {
                let word = words.removeFirst()
                chunks.append(chunk(#"{"audio":{"transcript":\#(quoted(words.isEmpty ? word : word + " "))}}"#))
            }
        }
        chunks.append(chunk(#"{"audio":{"expires_at":\#(expiresAt)}}"#))
        chunks.append(chunk("{}", finish: "stop"))
        if let usage {
            chunks.append(#"{"id":"chatcmpl-test","object":"chat.completion.chunk","created":1764230400,"model":"\#(model)","choices":[],"usage":\#(usage.json)}"#)
        }
        return chunks
    }

    /// The same reply non-streamed: `choices[0].message.audio` with the whole reply as a WAV file.
    public static func audioCompletion(
        _ samples: [Int16], transcript: String, audioID: String, model: String = "gpt-audio-1.5", usage: Usage,
        expiresAt: Int = 4_102_444_800
    ) -> OpenAITestReply {
        var wav: [UInt8] = Array("RIFF".utf8)
        let dataBytes = samples.count * 2
        func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8((v >> 24) & 0xFF)] }
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        wav += le32(36 + dataBytes) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(24000) + le32(48000)
            + le16(2) + le16(16) + Array("data".utf8) + le32(dataBytes)
        let pcm = Data(base64Encoded: base64(samples[...])) ?? Data()
        wav += pcm
        let body = #"{"id":"chatcmpl-test","object":"chat.completion","created":1764230400,"model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"audio":{"id":"\#(audioID)","data":"\#(Data(wav).base64EncodedString())","expires_at":\#(expiresAt),"transcript":\#(quoted(transcript))}},"finish_reason":"stop"}],"usage":\#(usage.json)}"#
        return .json(body)
    }
}
