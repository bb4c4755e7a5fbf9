// ModelClientTests: the fast audio-delta path against real-shaped streams: every cassette shipped in
// fixtures/calls (recorded chunking), real espeak-ng speech from the test script (hostile chunkings, CRLF,
// comments, odd byte splits), tool-call turns. Both paths must give identical events, samples and summaries,
// and the fast path must actually carry the audio chunks.
import Foundation
import ModelClient
import SwitchboardTestKit
import Testing
import SwitchboardCore

@Suite(.tags(.integration)) struct FastPathFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func cassetteBodies() throws -> [(name: String, body: [UInt8], reads: [[UInt8]])] {
        let calls = root.appendingPathComponent("fixtures/calls")
        var found: [(String, [UInt8], [[UInt8]])] = []
        for call in try FileManager.default.contentsOfDirectory(atPath: calls.path).sorted() {
            let folder = calls.appendingPathComponent(call).appendingPathComponent("cassette")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".response.sse") {
                let body = [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
                let meta = folder.appendingPathComponent(name.replacingOccurrences(of: ".sse", with: ".json"))
                var reads: [[UInt8]] = []
                if let json = try? JSONValue.parse(Data(contentsOf: meta)) {
                    for chunk in json["chunks"]?.arrayValue ?? [] {
                        guard let offset = chunk["offset"]?.intValue, let length = chunk["length"]?.intValue,
                            offset >= 0, length >= 0, offset + length <= body.count
                        else { continue }
                        reads.append(Array(body[offset..<offset + length]))
                    }
                }
                found.append(("\(call)/\(name)", body, reads.isEmpty ? [body] : reads))
            }
        }
        return found
    }

    // The comparisons are CPU work: they run off the cooperative pool (see `FastPath.offPool`).
    @Test func everyShippedCassetteDecodesAlikeOnBothPaths() async throws {
        try await FastPath.offPool { try Self.compareShippedCassettes() }
    }

    static func compareShippedCassettes() throws {
        let bodies = try Self.cassetteBodies()
        #expect(bodies.count >= 8)
        var fastTotal = 0
        var audioChunks = 0
        for (name, body, reads) in bodies {
            // Recorded chunking, raw samples (resampling is the same code on both paths: the speech test covers it).
            fastTotal += FastPath.expectSame(reads, name)
            // Odd splits (7-byte reads) on the smaller bodies (kept short: this is a debug build on a shared box).
            if body.count < 80_000 {
                let pieces = stride(from: 0, to: body.count, by: 7).map { Array(body[$0..<min(body.count, $0 + 7)]) }
                FastPath.expectSame(pieces, name + " 7B")
            }
            _ = try FastPath.expectSameChunks(body, name)
            audioChunks += String(decoding: body, as: UTF8.self).components(separatedBy: #""data":""#).count - 1
        }
        // Every chunk carrying audio data went the fast way (at least; plain transcript chunks too).
        #expect(fastTotal >= audioChunks, "fast \(fastTotal), audio chunks \(audioChunks)")
        #expect(audioChunks > 20)
    }

    @Test func realSpeechWithHostileChunkingDecodesAlike() async throws {
        try await FastPath.offPool { try Self.compareRealSpeech() }
    }

    static func compareRealSpeech() throws {
        let speech = try TestFixtures.speech()
        // JSONSerialization writes "/" as "\\/" in the base64: the fast path reads that too.
        let reply = ChunkScript.audioReply(speech.reply24k, transcript: ["Your balance", " is forty two", " dollars."])
        for lineEnding in ["\n", "\r\n"] {
            let text = OpenAITestReply.sseText(reply, lineEnding: lineEnding, comments: true)
            let body = Array(text.utf8)
            let taken = FastPath.expectSame([body], rate: 8000, "whole \(lineEnding.debugDescription)")
            #expect(taken >= reply.count - 2)  // all but the finish and usage chunks
            var generator = SeededGenerator(seed: 5)
            var reads: [[UInt8]] = []
            var index = 0
            while index < body.count {
                let size = Int.random(in: 1...700, using: &generator)
                reads.append(Array(body[index..<min(body.count, index + size)]))
                index += size
            }
            FastPath.expectSame(reads, rate: 8000, "random reads \(lineEnding.debugDescription)")
            _ = try FastPath.expectSameChunks(body, "speech")
        }
    }

    @Test func oddByteSplitsCarryAcrossChunks() throws {
        // pcm16 bytes cut at odd offsets: each chunk's base64 holds an odd number of bytes.
        let samples = Array(try TestFixtures.speech().reply24k.prefix(9000))
        var bytes: [UInt8] = []
        for sample in samples {
            bytes.append(UInt8(truncatingIfNeeded: UInt16(bitPattern: sample)))
            bytes.append(UInt8(truncatingIfNeeded: UInt16(bitPattern: sample) >> 8))
        }
        var documents: [String] = []
        var index = 0
        for size in [1, 3, 5, 1001, 2, 777, 4, 1, 1, 2999] + Array(repeating: 1201, count: 20) where index < bytes.count {
            let piece = Data(bytes[index..<min(bytes.count, index + size)]).base64EncodedString()
            documents.append(#"{"choices":[{"index":0,"delta":{"audio":{"data":""# + piece + #""}},"finish_reason":null}]}"#)
            index += size
        }
        let body = FastPath.sse(documents)
        #expect(FastPath.expectSame([body], "odd splits") == documents.count)
        let (fast, _) = FastPath.run([body], fast: true, rate: 24000)
        let audio = fast.events.flatMap { if case .audio(let s) = $0 { s } else { [Int16]() } }
        #expect(audio == Array(samples.prefix(index / 2)))
        _ = try FastPath.expectSameChunks(body, "odd splits")
    }

    @Test func toolCallTurnsAndUsageTakeTheFullPath() throws {
        let chunks = ChunkScript.toolCalls([(id: "call_1", name: "lookup_account", arguments: #"{"phone":"+15551230001"}"#)])
        let body = Array(OpenAITestReply.sseText(chunks).utf8)
        let taken = FastPath.expectSame([body], "tool calls")
        #expect(taken <= 1)  // only the role chunk (no audio, no tool calls) may go the fast way
        let (run, _) = FastPath.run([body], fast: true, rate: 24000)
        #expect(run.toolCalls.map(\.name) == ["lookup_account"])
        #expect(run.usage != nil)
        #expect(run.finishReason == "tool_calls")
    }
}
