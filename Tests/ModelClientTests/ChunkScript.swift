// ModelClientTests: builds realistic `chat.completion.chunk` JSON documents (as the service streams them) from
// real audio and tool calls, for the test server to send.
import Foundation
import ModelClient

enum ChunkScript {
    static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func chunk(delta: [String: Any], finish: String? = nil) -> String {
        json([
            "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1_752_134_636,
            "model": "gpt-4o-mini-audio-preview-2024-12-17",
            "choices": [["index": 0, "delta": delta, "finish_reason": finish as Any? ?? NSNull()]],
        ])
    }

    static func usage(prompt: Int = 120, promptAudio: Int = 80, completion: Int = 300, completionAudio: Int = 260) -> String {
        json([
            "id": "chatcmpl-test", "object": "chat.completion.chunk", "choices": [],
            "usage": [
                "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                "prompt_tokens_details": ["audio_tokens": promptAudio, "cached_tokens": 0, "text_tokens": prompt - promptAudio],
                "completion_tokens_details": ["audio_tokens": completionAudio, "text_tokens": completion - completionAudio],
            ],
        ])
    }

    static func pcm16Base64(_ samples: ArraySlice<Int16>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(samples.count * 2)
        for sample in samples {
            bytes.append(UInt8(truncatingIfNeeded: UInt16(bitPattern: sample)))
            bytes.append(UInt8(truncatingIfNeeded: UInt16(bitPattern: sample) >> 8))
        }
        return Data(bytes).base64EncodedString()
    }

    /// A spoken reply: role + audio id first, then audio data chunks (100 ms each by default) interleaved with
    /// transcript fragments, `expires_at`, a `stop` finish and a usage chunk.
    static func audioReply(
        _ samples: [Int16], transcript: [String], samplesPerChunk: Int = 2400, id: String = "audio_test_1",
        expiresAt: Int = 1_752_138_811, withUsage: Bool = true
    ) -> [String] {
        var chunks = [chunk(delta: ["role": "assistant", "content": NSNull(), "audio": ["id": id]])]
        var start = 0
        var words = transcript[...]
        while start < samples.count {
            let end = min(samples.count, start + samplesPerChunk)
            chunks.append(chunk(delta: ["audio": ["data": pcm16Base64(samples[start..<end])]]))
            if let word = words.popFirst() { chunks.append(chunk(delta: ["audio": ["transcript": word]])) }
            start = end
        }
        for word in words { chunks.append(chunk(delta: ["audio": ["transcript": word]])) }
        chunks.append(chunk(delta: ["audio": ["expires_at": expiresAt]]))
        chunks.append(chunk(delta: [:], finish: "stop"))
        if withUsage { chunks.append(usage()) }
        return chunks
    }

    /// A turn ending in tool calls; each call's arguments are cut into `pieceSize`-character fragments.
    static func toolCalls(_ calls: [(id: String, name: String, arguments: String)], pieceSize: Int = 7) -> [String] {
        var chunks = [chunk(delta: ["role": "assistant", "content": NSNull()])]
        for (index, call) in calls.enumerated() {
            chunks.append(chunk(delta: [
                "tool_calls": [["index": index, "id": call.id, "type": "function", "function": ["name": call.name, "arguments": ""]]]
            ]))
            var rest = Substring(call.arguments)
            while !rest.isEmpty {
                let piece = rest.prefix(pieceSize)
                rest = rest.dropFirst(piece.count)
                chunks.append(chunk(delta: ["tool_calls": [["index": index, "function": ["arguments": String(piece)]]]]))
            }
        }
        chunks.append(chunk(delta: [:], finish: "tool_calls"))
        chunks.append(usage(completionAudio: 0))
        return chunks
    }
}
