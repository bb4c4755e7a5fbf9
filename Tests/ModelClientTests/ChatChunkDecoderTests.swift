// ModelClientTests: the pure chunk decoder: audio (with odd byte splits), transcript, tool calls assembled
// from fragments cut mid-JSON, finish and usage, errors inside the stream, malformed chunks, and the
// non-streamed response with the WAV header providers send (sizes 0xFFFFFFFF).
import Foundation
import ModelClient
import Testing
import SwitchboardCore

@Suite struct ChatChunkDecoderTests {
    static func decodeAll(_ chunks: [String]) throws -> [ChatChunkDecoder.Output] {
        var decoder = ChatChunkDecoder()
        var outputs: [ChatChunkDecoder.Output] = []
        for chunk in chunks { outputs += try decoder.decode(SSEEvent(data: chunk)) }
        outputs += try decoder.decode(SSEEvent(data: "[DONE]"))
        return outputs
    }

    @Test func audioTranscriptIdExpiryFinishAndUsage() throws {
        let samples: [Int16] = (0..<5000).map { Int16(truncatingIfNeeded: $0 &* 7919) }
        let outputs = try Self.decodeAll(ChunkScript.audioReply(samples, transcript: ["Hi", " there"], samplesPerChunk: 999))
        let audio = outputs.flatMap { if case .audio(let s, let rate) = $0, rate == 24000 { s } else { [Int16]() } }
        #expect(audio == samples)
        let transcript = outputs.compactMap { if case .transcriptDelta(let t) = $0 { t } else { nil } }.joined()
        #expect(transcript == "Hi there")
        #expect(outputs.contains(.audioID("audio_test_1")))
        #expect(outputs.contains(.audioExpiresAt(1_752_138_811)))
        #expect(outputs.contains(.finishReason("stop")))
        let usage = outputs.compactMap { if case .usage(let u) = $0 { u } else { nil } }.first
        #expect(usage?.promptAudioTokens == 80)
        #expect(usage?.completionAudioTokens == 260)
        #expect(usage?.completionTextTokens == 40)
        #expect(outputs.last == .done)
    }

    @Test func oddByteAudioChunksCarryOver() throws {
        let samples: [Int16] = [1, -2, 300, -32768, 32767, 12345]
        var bytes: [UInt8] = []
        for sample in samples {
            bytes += [UInt8(truncatingIfNeeded: sample), UInt8(truncatingIfNeeded: UInt16(bitPattern: sample) >> 8)]
        }
        var decoder = ChatChunkDecoder()
        var got: [Int16] = []
        for range in [0..<3, 3..<4, 4..<9, 9..<12] {
            let chunk = ChunkScript.chunk(delta: ["audio": ["data": Data(bytes[range]).base64EncodedString()]])
            for case .audio(let s, _) in try decoder.decode(SSEEvent(data: chunk)) { got += s }
        }
        #expect(got == samples)
    }

    @Test func toolCallFragmentsSplitMidJSONAreAssembledByIndex() throws {
        let calls = [
            (id: "call_1", name: "lookup_account", arguments: #"{"phone":"+1 555 0100","note":"caf\u00e9 \"quoted\""}"#),
            (id: "call_2", name: "transfer", arguments: #"{"queue":"billing","priority":2}"#),
        ]
        for pieceSize in [1, 3, 7, 50] {
            let outputs = try Self.decodeAll(ChunkScript.toolCalls(calls, pieceSize: pieceSize))
            let assembled = outputs.compactMap { if case .toolCalls(let c) = $0 { c } else { nil } }
            #expect(assembled.count == 1)
            #expect(assembled.first?.map(\.id) == ["call_1", "call_2"])
            #expect(assembled.first?.map(\.name) == ["lookup_account", "transfer"])
            #expect(assembled.first?.map(\.arguments) == calls.map(\.arguments))
            #expect(outputs.contains(.finishReason("tool_calls")))
        }
    }

    @Test func interleavedIndicesAndMissingArguments() throws {
        var assembler = ToolCallAssembler()
        assembler.add(["index": 1, "id": "b", "function": ["name": "second", "arguments": "{\"x\""]])
        assembler.add(["index": 0, "id": "a", "function": ["name": "first"]])
        assembler.add(["index": 1, "function": ["arguments": ":1}"]])
        let calls = try assembler.assembled()
        #expect(calls == [ChatToolCall(id: "a", name: "first", arguments: "{}"), ChatToolCall(id: "b", name: "second", arguments: "{\"x\":1}")])
    }

    @Test func truncatedArgumentsAreAnError() {
        var decoder = ChatChunkDecoder()
        #expect(throws: ToolCallAssemblyError.self) {
            _ = try decoder.decode(SSEEvent(data: ChunkScript.chunk(delta: [
                "tool_calls": [["index": 0, "id": "c", "function": ["name": "f", "arguments": "{\"a\":"]]]
            ])))
            _ = try decoder.finish()
        }
    }

    @Test func errorEventMalformedChunkAndUnknownFields() throws {
        var decoder = ChatChunkDecoder()
        #expect(try decoder.decode(SSEEvent(data: #"{"error":{"message":"The server had an error","type":"server_error"}}"#))
            == [.error(APIErrorBody(message: "The server had an error", type: "server_error"))])
        let malformed = try decoder.decode(SSEEvent(data: #"{"choices":[{"delta":{"audio":{"data":"AAAA"#))
        #expect(malformed.count == 1)
        if case .malformed = malformed.first {} else { Issue.record("expected .malformed, got \(malformed)") }
        let lenient = try decoder.decode(SSEEvent(data: #"{"choices":[{"delta":{"audio":{"transcript":"ok","future":[1,2]},"x":1},"finish_reason":null}],"extra":true}"#))
        #expect(lenient == [.transcriptDelta("ok")])
        #expect(try decoder.decode(SSEEvent(data: #"{"choices":[{"index":0}]}"#)).isEmpty)
    }

    @Test func nonStreamedCompletionWithUnknownSizeWAV() throws {
        // The header of the seeds' replies: RIFF and data sizes 0xFFFFFFFF, 24 kHz mono 16-bit.
        let header = "UklGRv////9XQVZFZm10IBAAAAABAAEAwF0AAIC7AAACABAAZGF0Yf////8"
        var wav = [UInt8](Data(base64Encoded: header + "=") ?? Data())
        #expect(wav.count == 44)
        let samples: [Int16] = (0..<2400).map { Int16(truncatingIfNeeded: $0 * 13) }
        for sample in samples { wav += [UInt8(truncatingIfNeeded: sample), UInt8(truncatingIfNeeded: UInt16(bitPattern: sample) >> 8)] }
        let body = ChunkScript.json([
            "id": "chatcmpl-BrghGGR73s5Wt5thg4mhAxquxzmBi", "object": "chat.completion",
            "choices": [[
                "index": 0, "finish_reason": "stop",
                "message": [
                    "role": "assistant", "content": NSNull(),
                    "audio": ["id": "audio_686f", "data": Data(wav).base64EncodedString(), "expires_at": 1_752_138_811,
                              "transcript": "Hi there! How's it going?"],
                ],
            ]],
            "usage": ["prompt_tokens": 4, "completion_tokens": 1278, "total_tokens": 1282,
                      "completion_tokens_details": ["audio_tokens": 30, "text_tokens": 14],
                      "prompt_tokens_details": ["audio_tokens": 0, "cached_tokens": 0, "text_tokens": 14]],
        ])
        let outputs = ChatChunkDecoder.decodeCompletion(Data(body.utf8))
        #expect(outputs.contains(.audio(samples: samples, sampleRate: 24000)))
        #expect(outputs.contains(.transcriptDelta("Hi there! How's it going?")))
        #expect(outputs.contains(.audioID("audio_686f")))
        #expect(outputs.contains(.finishReason("stop")))
        let usage = outputs.compactMap { if case .usage(let u) = $0 { u } else { nil } }.first
        #expect(usage?.completionAudioTokens == 30)
        #expect(usage?.promptTextTokens == 14)
    }

    @Test func errorBodiesOfBothShapes() {
        let openAI = APIErrorBody(data: Data(#"{"error":{"message":"Invalid key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#.utf8))
        #expect(openAI == APIErrorBody(message: "Invalid key", type: "invalid_request_error", code: "invalid_api_key"))
        let aiml = APIErrorBody(data: Data(#"{"message":"Insufficient credits","path":"/v1/chat/completions","requestId":"r1","statusCode":403,"timestamp":"2025-07-10T08:00:00Z"}"#.utf8))
        #expect(aiml?.message == "Insufficient credits")
        #expect(aiml?.statusCode == 403)
        #expect(APIErrorBody(data: Data("<html>bad gateway</html>".utf8)) == nil)
    }

    @Test func pricesFromUsage() {
        let usage = ChatUsage(promptTokens: 1_000_000, completionTokens: 1_000_000, promptAudioTokens: 500_000, completionAudioTokens: 500_000)
        // text in 0.5M * 0.15 + audio in 0.5M * 10 + text out 0.5M * 0.60 + audio out 0.5M * 20
        #expect(abs((PriceTable.default.cost(of: usage, model: "gpt-4o-mini-audio-preview") ?? 0) - (0.075 + 5 + 0.30 + 10)) < 1e-9)
    }
}
