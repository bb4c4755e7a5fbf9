// ModelClientTests: the provider's bad moments against the real test server (issue 17): a model that refuses
// `stream: true` is asked again non-streamed and remembered; 429 `insufficient_quota` is reported as quota and
// not retried; a retry after transcript deltas does not repeat them; keep-alive comments do not hold a request
// open past its deadline; a refusal is reported; a caller turn is transcribed through /audio/transcriptions.
import Foundation
import ModelClient
import SwitchboardTestKit
import Testing

@Suite(.tags(.integration)) struct ModelClientResilienceTests {
    static let usage = OpenAITestReply.Usage(promptText: 1200, promptAudio: 300, completionText: 40, completionAudio: 250)
    static let refusedStreaming = #"{"error":{"message":"Streaming is not supported for this model.","type":"invalid_request_error","param":"stream","code":"unsupported_value"}}"#

    @Test func aModelThatRefusesStreamingIsAnsweredNonStreamedAndRemembered() async throws {
        let audio = OpenAITestReply.tone24k(seconds: 0.5)
        try await TestFixtures.withServer { server, client in
            server.enqueue(
                .error(status: 400, body: Self.refusedStreaming),
                .audioCompletion(audio, transcript: "Hello there.", audioID: "audio_1", usage: Self.usage),
                .audioCompletion(audio, transcript: "Again.", audioID: "audio_2", usage: Self.usage))
            let first = await Collected.run(client, try TestFixtures.request())
            #expect(first.error == nil, "\(String(describing: first.error))")
            #expect(first.transcript == "Hello there.")
            #expect((3990...4064).contains(first.audio.count), "\(first.audio.count)")  // 0.5 s at 8 kHz (+ resampler tail)
            #expect(first.reply?.usage?.completionAudioTokens == 250)
            let second = await Collected.run(client, try TestFixtures.request())
            #expect(second.transcript == "Again.")
            let bodies = server.requests.map { String(decoding: $0.body, as: UTF8.self) }
            try #require(bodies.count == 3)
            #expect(bodies[0].contains(#""stream":true"#))
            #expect(bodies[1].contains(#""stream":false"#) && bodies[1].contains(#""format":"wav""#))
            // The second turn goes non-streamed directly.
            #expect(bodies[2].contains(#""stream":false"#))
            TestFixtures.expectValidRequests(server)
        }
    }

    @Test func insufficientQuotaIsReportedAsQuotaAndNotRetried() async throws {
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.error(
                status: 429,
                body: #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#))
            let result = await Collected.run(client, try TestFixtures.request())
            #expect(server.requests.count == 1)
            return result
        }
        let error = try #require(result.modelError)
        #expect(error.code == .quota)
        #expect(!error.isRetryable)
        #expect(error.message.contains("quota"))
        #expect(!error.message.contains("rate limiting"))
    }

    @Test func aRetryAfterTranscriptDeltasDoesNotRepeatThem() async throws {
        let audio = OpenAITestReply.tone24k(seconds: 0.3)
        let chunks = OpenAITestReply.audioChunks(audio, transcript: "Your balance is ten dollars.", audioID: "audio_r")
        // First attempt: the role chunk and two transcript fragments, no audio, then the connection drops.
        let early = [
            chunks[0],
            #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-audio-1.5","choices":[{"index":0,"delta":{"audio":{"transcript":"Your "}},"finish_reason":null}]}"#,
            #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-audio-1.5","choices":[{"index":0,"delta":{"audio":{"transcript":"balance "}},"finish_reason":null}]}"#,
        ]
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.sse(early, done: false, ending: .close), .sse(chunks))
            let result = await Collected.run(client, try TestFixtures.request())
            #expect(server.requests.count == 2)
            return result
        }
        #expect(result.error == nil)
        #expect(result.retries.count == 1)
        #expect(result.transcript == "Your balance is ten dollars.")
        #expect(result.reply?.transcript == "Your balance is ten dollars.")
    }

    @Test func keepAliveCommentsDoNotHoldARequestOpenPastItsDeadline() async throws {
        var options = TestFixtures.fastOptions
        options.connectTimeout = .seconds(1)
        options.firstByteTimeout = .seconds(1)
        options.retry = .none
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await TestFixtures.withServer(options: options) { server, client in
            // A queueing gateway: a comment every 200 ms for 20 s, and nothing else.
            let pings = OpenAITestReply.raw(
                String(repeating: ": keep-alive\n\n", count: 100), chunking: .random(seed: 7, maxPiece: 14),
                gap: .milliseconds(200), ending: .hang)
            server.enqueue(pings)
            return await Collected.run(client, try TestFixtures.request())
        }
        #expect(result.modelError?.code == .firstByteTimeout)
        // Connect + first byte = 2 s (the pings alone would have held it 20 s).
        #expect(start.duration(to: clock.now) < .seconds(5))
    }

    @Test func aRefusalIsReported() async throws {
        let refusal = [
            #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-audio-1.5","choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":"I can't help with that request."},"finish_reason":null}]}"#,
            #"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-audio-1.5","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        ]
        let result = try await TestFixtures.withServer { server, client in
            server.enqueue(.sse(refusal))
            return await Collected.run(client, try TestFixtures.request())
        }
        #expect(result.reply?.refusal == "I can't help with that request.")
        #expect(result.audio.isEmpty)
    }

    @Test func aCallerTurnIsTranscribedThroughTheTranscriptionsEndpoint() async throws {
        let text = try await TestFixtures.withServer { server, client in
            server.enqueueTranscripts(["My account number is 4 4 7 1 9 2."])
            let text = try await client.transcribe(
                wav: Array(try TestFixtures.speech().callerWAV), model: "gpt-4o-mini-transcribe", language: "en")
            let request = try #require(server.transcriptionRequests.first)
            #expect(request.uri == "/v1/audio/transcriptions")
            #expect(request.header("authorization") == "Bearer sk-test-secret-key")
            #expect(request.header("content-type")?.hasPrefix("multipart/form-data; boundary=") == true)
            let body = String(decoding: request.body, as: UTF8.self)
            #expect(body.contains("name=\"model\"\r\n\r\ngpt-4o-mini-transcribe\r\n"))
            #expect(body.contains("name=\"file\"; filename=\"caller.wav\""))
            #expect(body.contains("RIFF"))
            #expect(server.requests.isEmpty)
            return text
        }
        #expect(text == "My account number is 4 4 7 1 9 2.")
    }
}
