// ModelClientTests: the exchange-recorder hook against the real test server: a streamed reply recorded byte for
// byte with its chunk times, a 500 then a success (two attempts of one request), a stall (idle timeout after
// some chunks), a refused connection (no head), cancellation, and the per-request recorder.
import Foundation
import ModelClient
import SwitchboardTestKit
import Testing

@Suite(.tags(.integration)) struct ExchangeRecorderTests {
    static func reply(_ seconds: Double = 0.5) throws -> [String] {
        let samples = Array(try TestFixtures.speech().reply24k.prefix(Int(seconds * 24000)))
        return ChunkScript.audioReply(samples, transcript: ["Hello", " there"], samplesPerChunk: 1200)
    }

    static func client(_ server: OpenAITestServer, _ recorder: CollectingExchangeRecorder, options: ModelClientOptions = TestFixtures.fastOptions) -> ChatModelClient {
        ChatModelClient(
            provider: ProviderConfiguration(profile: .openai, baseURL: server.baseURL, apiKey: "sk-test-secret-key"),
            options: options, recorder: recorder)
    }

    /// Chunks tile the body in order, with non-decreasing times.
    static func expectContiguous(_ recording: ModelExchangeRecording) {
        var offset = 0
        var last = Duration.zero
        for chunk in recording.chunks {
            #expect(chunk.offset == offset)
            #expect(chunk.length > 0)
            #expect(chunk.at >= last)
            offset += chunk.length
            last = chunk.at
        }
        #expect(offset == recording.body.count)
        if let finished = recording.finishedAt { #expect(finished >= last) }
    }

    @Test func streamedReplyIsRecordedByteForByte() async throws {
        let chunks = try Self.reply()
        let sent = Array(OpenAITestReply.sseText(chunks).utf8)
        let server = try await OpenAITestServer.start()
        let recorder = CollectingExchangeRecorder()
        let client = Self.client(server, recorder)
        server.enqueue(.sse(chunks, chunking: .random(seed: 3, maxPiece: 900), gap: .milliseconds(5)))
        let result = await Collected.run(client, try TestFixtures.request())
        try await client.shutdown()
        try await server.shutdown()
        #expect(result.error == nil)
        let recordings = recorder.finished
        try #require(recordings.count == 1)
        let recording = recordings[0]
        #expect(recording.id.attempt == 1)
        #expect(recording.outcome == .completed)
        #expect(recording.status == 200)
        #expect(recording.url == server.baseURL + "/chat/completions")
        #expect(recording.headers.contains { $0.name.lowercased() == "content-type" && $0.value.hasPrefix("text/event-stream") })
        #expect(recording.body == sent)
        #expect([UInt8](recording.requestBody) == server.requests.first?.body)
        #expect(recording.chunks.count > 5)
        #expect(recording.chunks.last.map { $0.at >= .milliseconds(5 * (recording.chunks.count - 1) / 2) } == true)
        Self.expectContiguous(recording)
        // What the recording holds decodes to what the client delivered.
        let decoder = ReplyStreamDecoder(providerSampleRate: 24000, outputSampleRate: 8000)
        var events: [ChatStreamEvent] = []
        for chunk in recording.chunks {
            events += try decoder.consumeStream(recording.body[chunk.offset..<chunk.offset + chunk.length])
        }
        events += try decoder.finishStream()
        #expect(events.flatMap { if case .audio(let s) = $0 { s } else { [Int16]() } } == result.audio)
        #expect(!String(decoding: recording.requestBody, as: UTF8.self).contains("sk-test-secret-key"))
    }

    @Test func serverErrorThenSuccessRecordsBothAttempts() async throws {
        let errorBody = #"{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}"#
        let chunks = try Self.reply(0.3)
        let server = try await OpenAITestServer.start()
        let recorder = CollectingExchangeRecorder()
        let client = Self.client(server, recorder)
        server.enqueue(.error(status: 500, body: errorBody, headers: [("x-request-id", "req_1")]), .sse(chunks))
        let result = await Collected.run(client, try TestFixtures.request())
        try await client.shutdown()
        try await server.shutdown()
        #expect(result.error == nil)
        #expect(result.retries.count == 1)
        let recordings = recorder.finished
        try #require(recordings.count == 2)
        let (failed, succeeded) = (recordings[0], recordings[1])
        #expect(failed.id.request == succeeded.id.request)
        #expect(failed.id.attempt == 1)
        #expect(succeeded.id.attempt == 2)
        #expect(failed.status == 500)
        #expect(failed.headers.contains { $0.name == "x-request-id" && $0.value == "req_1" })
        #expect(failed.body == Array(errorBody.utf8))
        guard case .failed(let error) = failed.outcome else {
            Issue.record("first attempt: \(String(describing: failed.outcome))")
            return
        }
        #expect(error.code == .server && error.status == 500)
        #expect(failed.outcome?.errorText?.contains("The server had an error") == true)
        #expect(succeeded.outcome == .completed)
        #expect(succeeded.body == Array(OpenAITestReply.sseText(chunks).utf8))
        #expect(server.requests.count == 2)
        for (recording, received) in zip(recordings, server.requests) {
            #expect([UInt8](recording.requestBody) == received.body)
            Self.expectContiguous(recording)
        }
    }

    @Test func stallIsAnIdleTimeoutAfterTheChunksThatCame() async throws {
        var options = TestFixtures.fastOptions
        options.idleTimeout = .seconds(1)
        let chunks = try Self.reply()
        let server = try await OpenAITestServer.start()
        let recorder = CollectingExchangeRecorder()
        let client = Self.client(server, recorder, options: options)
        server.enqueue(.sse(Array(chunks.prefix(3)), done: false, ending: .hang))
        let result = await Collected.run(client, try TestFixtures.request())
        try await client.shutdown()
        try await server.shutdown()
        #expect(result.modelError?.code == .idleTimeout)
        let recording = try #require(recorder.finished.first)
        #expect(recorder.finished.count == 1)
        #expect(recording.body == Array(OpenAITestReply.sseText(Array(chunks.prefix(3)), done: false).utf8))
        guard case .failed(let error) = recording.outcome else {
            Issue.record("outcome: \(String(describing: recording.outcome))")
            return
        }
        #expect(error.code == .idleTimeout)
        #expect(recording.finishedAt.map { $0 >= .seconds(1) } == true)
    }

    @Test func refusedConnectionHasNoHeadAndAPerRequestRecorder() async throws {
        let server = try await OpenAITestServer.start()
        let port = server.port
        try await server.shutdown()
        var options = TestFixtures.fastOptions
        options.retry = RetryPolicy(maxRetries: 1, initialDelay: .milliseconds(10), maxDelay: .milliseconds(20))
        let client = ChatModelClient(
            provider: ProviderConfiguration(profile: .openai, baseURL: "http://127.0.0.1:\(port)/v1", apiKey: "k"),
            options: options)
        let recorder = CollectingExchangeRecorder()
        var error: (any Error)?
        do {
            _ = try await client.reply(to: try TestFixtures.request(), outputSampleRate: 8000, recorder: recorder)
        } catch let caught {
            error = caught
        }
        try await client.shutdown()
        #expect((error as? ModelClientError)?.code == .connection)
        let recordings = recorder.finished
        #expect(recordings.map(\.id.attempt) == [1, 2])
        for recording in recordings {
            #expect(recording.status == nil)
            #expect(recording.body.isEmpty)
            #expect(recording.outcome?.errorText != nil)
            #expect(!recording.requestBody.isEmpty)
        }
    }

    @Test func cancellationIsRecorded() async throws {
        let speech = try TestFixtures.speech()
        let chunks = ChunkScript.audioReply(speech.reply24k, transcript: ["Hello"], samplesPerChunk: 480)
        let server = try await OpenAITestServer.start()
        let recorder = CollectingExchangeRecorder()
        let client = Self.client(server, recorder)
        server.enqueue(.sse(chunks, gap: .milliseconds(20)))
        let request = try TestFixtures.request()
        let counter = EventCounter()
        let task = Task {
            for try await event in client.events(for: request, outputSampleRate: 8000) {
                if case .audio = event { counter.add() }
            }
        }
        try await ModelClientFailureTests.eventually { counter.count >= 2 }
        task.cancel()
        _ = await task.result
        try await ModelClientFailureTests.eventually { recorder.finished.count == 1 }
        try await client.shutdown()
        try await server.shutdown()
        let recording = try #require(recorder.finished.first)
        #expect(recording.outcome == .cancelled)
        #expect(recording.status == 200)
        #expect(!recording.body.isEmpty)
        Self.expectContiguous(recording)
    }
}
