// ModelClientTests: the client against the real test server on 127.0.0.1: real speech streamed with hostile
// chunking, tool calls split mid-JSON, a malformed chunk, a non-streamed reply, an error event mid-stream.
// Every request the client sent is checked against the reference request schema.
import Audio
import Foundation
import ModelClient
import SwitchboardTestKit
import Testing
import SwitchboardCore

@Suite struct ModelClientStreamingTests {
    /// What the pure decoder makes of the reply fed whole: the reference the network runs must match exactly.
    static func reference(_ chunks: [String], rate: Int = 8000) throws -> [Int16] {
        let decoder = ReplyStreamDecoder(providerSampleRate: 24000, outputSampleRate: rate)
        var events = try decoder.consumeStream(Array(OpenAITestReply.sseText(chunks).utf8))
        events += try decoder.finishStream()
        return events.flatMap { if case .audio(let s) = $0 { s } else { [Int16]() } }
    }

    static let chunkings: [(String, OpenAITestReply.Chunking, String, Bool)] = [
        ("per event", .perEvent, "\n", false),
        ("random 1-400 bytes, CRLF, comments", .random(seed: 7, maxPiece: 400), "\r\n", true),
        ("random 1-3 bytes", .random(seed: 11, maxPiece: 3), "\n", false),
    ]

    @Test(arguments: 0..<3)
    func realSpeechStreamsWithHostileChunking(_ variant: Int) async throws {
        let (name, chunking, lineEnding, comments) = Self.chunkings[variant]
        let speech = try TestFixtures.speech()
        // Byte-sized pieces on a 0.5 s clip (every byte its own HTTP chunk), larger pieces on the whole reply.
        let samples = variant == 2 ? Array(speech.reply24k.prefix(12000)) : speech.reply24k
        let chunks = ChunkScript.audioReply(samples, transcript: ["Your balance", " is forty two", " dollars."])
        let expected = try Self.reference(chunks)
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.sse(chunks, chunking: chunking, lineEnding: lineEnding, comments: comments))
            let result = await Collected.run(client, try TestFixtures.request())
            TestFixtures.expectValidRequests(server)
            #expect(server.requests.count == 1)
            return result
        }
        #expect(result.error == nil, "\(name): \(String(describing: result.error))")
        // Every input sample comes out: n/3 plus the filter delay (the tail flushed at the end).
        #expect((samples.count / 3...samples.count / 3 + 64).contains(result.audio.count), "\(name): \(result.audio.count)")
        #expect(result.audio == expected, "\(name): audio differs from the whole-body decode")
        #expect(TestAudio.rms(result.audio) > 0.5 * TestAudio.rms(samples))
        #expect(result.transcript == "Your balance is forty two dollars.")
        let reply = try #require(result.reply)
        #expect(reply.finishReason == "stop")
        #expect(reply.audioID == "audio_test_1")
        #expect(reply.expiresAt == Date(timeIntervalSince1970: 1_752_138_811))
        #expect(reply.usage?.completionAudioTokens == 260)
        #expect(reply.metrics.cost > 0)
        #expect(reply.metrics.attempts == 1)
        #expect(reply.metrics.timeToFirstByte != nil)
        #expect(reply.metrics.timeToFirstAudio != nil)
        #expect(abs(reply.metrics.replyAudioSeconds - Double(samples.count) / 24000) < 0.02)
        // The reply as history: referenced by its audio id in the next request.
        var conversation = Conversation(instructions: "x")
        conversation.appendAssistant(reply.assistantTurn)
        #expect(conversation.messages(now: Date(timeIntervalSince1970: 1_752_138_000)).last == .assistantAudio(id: "audio_test_1"))
    }

    @Test func toolCallFragmentsSplitMidJSON() async throws {
        let arguments = #"{"phone":"+1 555 0100","reason":"balance \"today\""}"#
        let chunks = ChunkScript.toolCalls([(id: "call_abc", name: "lookup_account", arguments: arguments)], pieceSize: 5)
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.sse(chunks, chunking: .random(seed: 3, maxPiece: 6)))
            let result = await Collected.run(client, try TestFixtures.request(tools: TestFixtures.tools))
            TestFixtures.expectValidRequests(server)
            let body = try JSONValue.parse(Data(try #require(server.requests.first).body))
            #expect(body["tools"]?[0]?["function"]?["name"] == "lookup_account")
            #expect(body["tool_choice"] == "auto")
            return result
        }
        #expect(result.error == nil)
        #expect(result.toolCalls == [ChatToolCall(id: "call_abc", name: "lookup_account", arguments: arguments)])
        #expect(result.reply?.finishReason == "tool_calls")
        #expect(result.audio.isEmpty)
    }

    @Test func malformedChunkIsSkippedAndCounted() async throws {
        let speech = try TestFixtures.speech()
        var chunks = ChunkScript.audioReply(Array(speech.reply24k.prefix(24000)), transcript: ["One", " two"])
        chunks.insert(#"{"choices":[{"delta":{"audio":{"data":"AAAA"#, at: 3)
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.sse(chunks, chunking: .random(seed: 5, maxPiece: 200)))
            return await Collected.run(client, try TestFixtures.request())
        }
        #expect(result.error == nil)
        #expect(result.reply?.metrics.malformedChunks == 1)
        #expect((8000...8064).contains(result.audio.count))
        #expect(result.transcript == "One two")
    }

    @Test func nonStreamedReplyWithWAV() async throws {
        let speech = try TestFixtures.speech()
        let wav = WAVFile.serialize(WAVAudio(sampleRate: 24000, samples: speech.reply24k))
        let body = ChunkScript.json([
            "id": "chatcmpl-1", "object": "chat.completion",
            "choices": [[
                "index": 0, "finish_reason": "stop",
                "message": ["role": "assistant", "content": NSNull(),
                            "audio": ["id": "audio_ns", "data": Data(wav).base64EncodedString(), "expires_at": 1_900_000_000,
                                      "transcript": "Your balance is forty two dollars."]],
            ]],
            "usage": ["prompt_tokens": 50, "completion_tokens": 200, "total_tokens": 250],
        ])
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.json(body, status: 201))
            let result = await Collected.run(client, try TestFixtures.request(stream: false), rate: 16000)
            TestFixtures.expectValidRequests(server)
            return result
        }
        #expect(result.error == nil)
        #expect((speech.reply24k.count * 2 / 3...speech.reply24k.count * 2 / 3 + 64).contains(result.audio.count))
        #expect(result.transcript == "Your balance is forty two dollars.")
        #expect(result.reply?.audioID == "audio_ns")
        #expect(result.reply?.usage?.totalTokens == 250)
    }

    @Test func errorEventInsideTheStream() async throws {
        let speech = try TestFixtures.speech()
        var chunks = Array(ChunkScript.audioReply(Array(speech.reply24k.prefix(9600)), transcript: ["Hi"]).prefix(3))
        chunks.append(#"{"error":{"message":"The model produced invalid content","type":"server_error","code":null}}"#)
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.sse(chunks, done: false))
            let result = await Collected.run(client, try TestFixtures.request())
            #expect(server.requests.count == 1)
            return result
        }
        let error = try #require(result.modelError)
        #expect(error.code == .streamError)
        #expect(error.message.contains("The model produced invalid content"))
        #expect(!result.audio.isEmpty)
    }
}
