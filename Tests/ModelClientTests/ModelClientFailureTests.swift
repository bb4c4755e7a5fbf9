// ModelClientTests: failures against the real test server: 429 with retry hints then success, 5xx retried
// until exhausted, x-should-retry, a stall mid-stream (idle timeout, no retry once audio played), a silent
// server (first-byte timeout, retried), AI/ML API's error body, an unknown model, cancellation mid-stream.
import Foundation
import Synchronization
import ModelClient
import SwitchboardTestKit
import Testing
import SwitchboardCore

@Suite(.tags(.integration)) struct ModelClientFailureTests {
    static func shortReply() throws -> [String] {
        ChunkScript.audioReply(Array(try TestFixtures.speech().reply24k.prefix(12000)), transcript: ["Hello"])
    }

    @Test func rateLimitedWithRetryAfterThenSuccess() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(
                .error(
                    status: 429, body: #"{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}"#,
                    headers: [("retry-after-ms", "300"), ("retry-after", "1"), ("x-ratelimit-remaining-requests", "0")]),
                .sse(try Self.shortReply()))
            let result = await Collected.run(client, try TestFixtures.request())
            TestFixtures.expectValidRequests(server)
            #expect(server.requests.count == 2)
            #expect(server.requests.first?.body == server.requests.last?.body)
            return result
        }
        #expect(start.duration(to: clock.now) >= .milliseconds(300))
        #expect(result.error == nil)
        #expect(result.retries == [.milliseconds(300)])
        #expect(result.reply?.metrics.attempts == 2)
        #expect((4000...4064).contains(result.audio.count))
    }

    @Test func serverErrorsExhaustRetries() async throws {
        let body = #"{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}"#
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.error(status: 500, body: body), .error(status: 502, body: body), .error(status: 503, body: body))
            let result = await Collected.run(client, try TestFixtures.request())
            TestFixtures.expectValidRequests(server)
            #expect(server.requests.count == 3)
            return result
        }
        let error = try #require(result.modelError)
        #expect(error.code == .server)
        #expect(error.status == 503)
        #expect(error.message.contains("The server had an error while processing your request."))
        #expect(result.retries.count == 2)
        #expect(result.retries.allSatisfy { $0 <= .milliseconds(100) })
    }

    @Test func shouldRetryFalseStopsRetries() async throws {
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.error(status: 500, body: #"{"error":{"message":"nope"}}"#, headers: [("x-should-retry", "false")]))
            let result = await Collected.run(client, try TestFixtures.request())
            #expect(server.requests.count == 1)
            return result
        }
        #expect(result.modelError?.isRetryable == false)
    }

    @Test func stallMidStreamIsAnIdleTimeoutWithoutRetry() async throws {
        var options = TestFixtures.fastOptions
        options.idleTimeout = .seconds(1)
        let chunks = try Self.shortReply()
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await TestFixtures.withServer(options: options) { server, client in
            server.enqueue(.sse(Array(chunks.prefix(4)), done: false, ending: .hang), .sse(chunks))
            let result = await Collected.run(client, try TestFixtures.request())
            #expect(server.requests.count == 1)
            try await Self.eventually { server.abortedReplies == 1 }
            return result
        }
        #expect(result.modelError?.code == .idleTimeout)
        #expect(!result.audio.isEmpty)
        #expect(start.duration(to: clock.now) < .seconds(5))  // the default idle timeout is 8 s
    }

    @Test func silentServerIsAFirstByteTimeoutAndIsRetried() async throws {
        var options = TestFixtures.fastOptions
        options.firstByteTimeout = .seconds(1)
        let result = try await TestFixtures.withServer(options: options) { server, client in
            server.enqueue(OpenAITestReply(pieces: [], ending: .hang), .sse(try Self.shortReply()))
            let result = await Collected.run(client, try TestFixtures.request())
            #expect(server.requests.count == 2)
            return result
        }
        #expect(result.error == nil)
        #expect(result.retries.count == 1)
        #expect((4000...4064).contains(result.audio.count))
    }

    @Test func aimlapiErrorBodyIsSurfaced() async throws {
        let result = try await TestFixtures.withServer(profile: .aimlapi) { server, client in
            server.enqueue(.error(
                status: 403,
                body: #"{"message":"Insufficient credits. Top up your balance.","path":"/v1/chat/completions","requestId":"abc","statusCode":403,"timestamp":"2025-07-10T08:00:00.000Z"}"#))
            let result = await Collected.run(client, try TestFixtures.request(profile: .aimlapi, tools: TestFixtures.tools))
            TestFixtures.expectValidRequests(server, voices: ProviderProfile.aimlapi.voices)
            let body = try JSONValue.parse(Data(try #require(server.requests.first).body))
            #expect(body["max_tokens"] == 2048)
            #expect(body["max_completion_tokens"] == nil)
            #expect(server.requests.count == 1)
            return result
        }
        let error = try #require(result.modelError)
        #expect(error.code == .authentication)
        #expect(error.message.contains("Insufficient credits. Top up your balance."))
        #expect(!error.isRetryable)
    }

    @Test func unknownModelNamesTheModelWithAHint() async throws {
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.error(
                status: 404,
                body: #"{"error":{"message":"The model `gpt-audio-1.5` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#))
            return await Collected.run(client, try TestFixtures.request())
        }
        let error = try #require(result.modelError)
        #expect(error.code == .modelNotFound)
        #expect(error.message.contains("model 'gpt-audio-1.5'"))
        #expect(error.message.contains("set another model"))
        #expect(!error.description.contains("sk-test-secret-key"))
    }

    @Test func cancellationAbortsTheRequestAndStopsAudio() async throws {
        let speech = try TestFixtures.speech()
        let chunks = ChunkScript.audioReply(speech.reply24k, transcript: ["Hello"], samplesPerChunk: 480)
        try await TestFixtures.withServer { server, client in
            server.enqueue(.sse(chunks, gap: .milliseconds(20)))
            let request = try TestFixtures.request()
            let counter = EventCounter()
            let task = Task {
                for try await event in client.events(for: request, outputSampleRate: 8000) {
                    if case .audio = event { counter.add() }
                }
            }
            try await Self.eventually { counter.count >= 3 }
            task.cancel()
            _ = await task.result
            let atCancel = counter.count
            try await Self.eventually { server.abortedReplies == 1 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(counter.count == atCancel)
            #expect(atCancel < chunks.count / 2)
            #expect(server.completedReplies == 0)
        }
    }

    @Test func connectionRefusedIsRetriedThenReported() async throws {
        let server = try await OpenAITestServer.start()
        let port = server.port
        try await server.shutdown()
        let client = ChatModelClient(
            provider: ProviderConfiguration(profile: .openai, baseURL: "http://127.0.0.1:\(port)/v1", apiKey: "sk-test-secret-key"),
            options: TestFixtures.fastOptions)
        let result = await Collected.run(client, try TestFixtures.request())
        try await client.shutdown()
        #expect(result.modelError?.code == .connection)
        #expect(result.retries.count == 2)
    }

    static func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            guard clock.now < deadline else {
                Issue.record("condition not met within \(timeout)")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

final class EventCounter: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
