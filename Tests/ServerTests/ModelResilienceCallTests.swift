// The model's bad moments on live calls (issue 17): an in-process `serve` with a flow, a real SIP/RTP caller on
// 127.0.0.1, and a local OpenAI-compatible server speaking the documented dialect. A model that refuses
// streaming still answers (and the next turn goes non-streamed directly), with the call log pricing it at
// gpt-audio-1.5's prices; an audio id the provider rejects is replaced by the transcript and the turn succeeds;
// a reset after 1 s of reply audio asks the caller to repeat and the call goes on; in a 5-turn call the account
// number said in turn 1 reaches the request of turn 5 as text (the caller's transcript, also in the call log).
import Audio
import CallLog
import Foundation
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration))
struct ModelResilienceCallTests {
    /// An agent that speaks first and, after 0.8 s of caller silence, asks the model again (no caller audio needed).
    static let nudgingFlow = """
        name: resilience
        defaults:
          model: gpt-4o-mini-audio-preview
        start: assistant
        steps:
          assistant:
            agent:
              instructions: "Help the caller."
              silence_timeout_ms: 800
              max_silences: 5
            on_error: bye
          bye:
            hangup: model failed

        """

    static let usage = OpenAITestReply.Usage(promptText: 1200, promptAudio: 300, completionText: 40, completionAudio: 250)
    /// 1200 × $2.50 + 40 × $10 + 300 × $32 + 250 × $64 per 1M tokens (gpt-audio-1.5).
    static let handCost = (1200 * 2.50 + 40 * 10.00 + 300 * 32.00 + 250 * 64.00) / 1_000_000

    struct Call {
        let detail: CallDetail
        let bodies: [String]
        let transcriptionRequests: Int
    }

    /// Runs one call: `serve` with `flow` against `model`; `caller` drives the phone (on a thread of its own)
    /// until it returns, then the caller hangs up.
    static func call(
        flow: String, model: OpenAITestServer, transcripts: Bool = false,
        caller: @escaping @Sendable (SIPTestPhone, SIPTestPhone.Dialog) throws -> Void
    ) async throws -> Call {
        let folder = try TempFolder()
        defer { folder.remove() }
        let service = try await FlowCallTestService.start(
            flows: ["resilience.yaml": flow], in: folder, environment: ["OPENAI_API_KEY": "sk-test-not-a-secret"]
        ) {
            $0.model.cassettes = nil
            $0.model.baseURL = model.baseURL
            $0.model.transcriptionModel = transcripts ? "gpt-4o-mini-transcribe" : ""
        }
        let callID = "resilience-\(UUID().uuidString)"
        do {
            let port = service.sipPort
            try await onThread {
                let phone = try SIPTestPhone(serverPort: port)
                let dialog = try phone.call(user: "resilience", callID: callID, caller: "+15550100001")
                try caller(phone, dialog)
                try phone.hangUp(dialog)
            }
            let detail = try await service.endedCall(id: callID)
            await service.stop()
            let bodies = model.requests.map { String(decoding: $0.body, as: UTF8.self) }
            let transcriptions = model.transcriptionRequests.count
            try? await model.shutdown()
            return Call(detail: detail, bodies: bodies, transcriptionRequests: transcriptions)
        } catch {
            await service.stop()
            try? await model.shutdown()
            throw error
        }
    }

    /// Blocks (on the phone's thread) until `condition` holds, at most `limit`.
    static func wait(_ what: String, limit: Duration = .seconds(10), _ condition: () -> Bool) throws {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < deadline else { throw ServeTestError("timed out waiting for \(what)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aModelRefusingStreamingStillAnswersAndTheCallIsPricedAtGptAudio15() async throws {
        let model = try await OpenAITestServer.start()
        let audio = OpenAITestReply.tone24k(seconds: 0.3)
        model.enqueue(
            .error(status: 400, body: #"{"error":{"message":"Streaming is not supported for this model.","type":"invalid_request_error","param":"stream","code":"unsupported_value"}}"#),
            .audioCompletion(audio, transcript: "Hello, how can I help?", audioID: "audio_a", usage: Self.usage),
            .audioCompletion(audio, transcript: "Are you still there?", audioID: "audio_b", usage: Self.usage))
        let call = try await Self.call(flow: Self.nudgingFlow, model: model) { _, _ in
            try Self.wait("the second turn's request") { model.requests.count >= 3 }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let text = CallLogText.detail(call.detail)
        try #require(call.bodies.count >= 3, "\(text)")
        // The alias replaced the shut-down model named by the flow.
        #expect(call.bodies.allSatisfy { $0.contains(#""model":"gpt-audio-1.5""#) })
        #expect(call.bodies[0].contains(#""stream":true"#))
        #expect(call.bodies[1].contains(#""stream":false"#), "the refused turn is asked again non-streamed")
        #expect(call.bodies[2].contains(#""stream":false"#), "the second turn goes non-streamed directly")
        #expect(call.bodies.allSatisfy { $0.contains(#""max_completion_tokens":4096"#) })
        // The call still got its replies.
        let bot = call.detail.turns.filter { $0.role == "bot" }.map(\.transcript)
        #expect(bot.contains("Hello, how can I help?"), "\(text)")
        #expect(bot.contains("Are you still there?"), "\(text)")
        // The call log: the model actually used and the cost at its price, as a hand calculation.
        let answered = call.detail.modelRequests.filter { $0.status == "ok" }
        try #require(answered.count == 2, "\(text)")
        for request in answered {
            #expect(request.model == "gpt-audio-1.5")
            #expect(request.textInTokens == 1200 && request.audioInTokens == 300)
            #expect(request.textOutTokens == 40 && request.audioOutTokens == 250)
            #expect(abs((request.costUSD ?? 0) - Self.handCost) < 1e-9, "\(String(describing: request.costUSD)) vs \(Self.handCost)")
        }
        #expect(abs(call.detail.call.totals.costUSD - 2 * Self.handCost) < 1e-9, "\(call.detail.call.totals.costUSD)")
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnknownAudioIDIsResentWithTranscriptsAndTheTurnSucceeds() async throws {
        let model = try await OpenAITestServer.start()
        let audio = OpenAITestReply.tone24k(seconds: 0.3)
        model.enqueue(
            .sse(OpenAITestReply.audioChunks(audio, transcript: "Hello, how can I help?", audioID: "audio_first", usage: Self.usage)),
            .error(status: 400, body: #"{"error":{"message":"Audio with id audio_first not found.","type":"invalid_request_error","param":"messages.[2].audio","code":null}}"#),
            .sse(OpenAITestReply.audioChunks(audio, transcript: "Are you still there?", audioID: "audio_second", usage: Self.usage)))
        let call = try await Self.call(flow: Self.nudgingFlow, model: model) { _, _ in
            try Self.wait("the resent turn") { model.requests.count >= 3 }
            Thread.sleep(forTimeInterval: 0.5)
        }
        let text = CallLogText.detail(call.detail)
        try #require(call.bodies.count >= 3, "\(text)")
        #expect(call.bodies[1].contains(#""audio":{"id":"audio_first"}"#), "\(call.bodies[1].prefix(600))")
        // The resend: the earlier reply as its transcript, no audio id.
        #expect(!call.bodies[2].contains("audio_first"))
        #expect(call.bodies[2].contains(#""content":"Hello, how can I help?""#), "\(call.bodies[2].prefix(600))")
        #expect(call.detail.turns.contains { $0.role == "bot" && $0.transcript == "Are you still there?" }, "\(text)")
        #expect(Array(call.detail.modelRequests.map(\.status).prefix(3)) == ["ok", "400", "ok"], "\(text)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aResetAfterASecondOfReplyAudioAsksTheCallerToRepeatAndTheCallGoesOn() async throws {
        let model = try await OpenAITestServer.start()
        let chunks = OpenAITestReply.audioChunks(
            OpenAITestReply.tone24k(seconds: 2), transcript: "Your balance is forty two dollars and fifty cents today",
            audioID: "audio_cut")
        // The role chunk, then 1.1 s of audio (11 chunks of 100 ms, with the transcript's words), then a reset.
        model.enqueue(
            .sse(Array(chunks.prefix(1 + 2 * 11)), gap: .milliseconds(40), done: false, ending: .close),
            .sse(OpenAITestReply.audioChunks(
                OpenAITestReply.tone24k(seconds: 0.3), transcript: "Are you still there?", audioID: "audio_next",
                usage: Self.usage)))
        let call = try await Self.call(flow: Self.nudgingFlow, model: model) { _, _ in
            try Self.wait("the request after the reset") { model.requests.count >= 2 }
            Thread.sleep(forTimeInterval: 0.8)
        }
        let text = CallLogText.detail(call.detail)
        let requests = call.detail.modelRequests
        try #require(requests.count >= 2, "\(text)")
        // The call log shows the failed request and the next one.
        #expect(requests[0].status != "ok" && requests[0].error != nil, "\(text)")
        #expect(requests[1].status == "ok", "\(text)")
        // What was heard stays (as interrupted); the caller is asked to repeat; the call went on to its next turn.
        let bot = call.detail.turns.filter { $0.role == "bot" }.map(\.transcript)
        #expect(bot.contains { $0.hasPrefix("Your balance") && $0.hasSuffix("[interrupted]") }, "\(text)")
        #expect(bot.contains("Sorry, the line broke up. Could you say that again?"), "\(text)")
        #expect(bot.contains("Are you still there?"), "\(text)")
        #expect(call.bodies[1].contains("Sorry, the line broke up. Could you say that again?"))
        #expect(!call.detail.events.contains { $0.kind == "step_entered" && $0.data["step"]?.stringValue == "bye" }, "\(text)")
    }

    static let accountFlow = """
        name: resilience
        start: assistant
        steps:
          assistant:
            agent:
              instructions: "Help the caller with their account."
              greeting: "Hello."
              silence_timeout_ms: 10000
              max_turns: 10
            on_error: bye
          bye:
            hangup: model failed

        """

    @Test(.timeLimit(.minutes(1)))
    func theAccountNumberSaidInTurnOneReachesTheRequestOfTurnFiveAsText() async throws {
        let dir = try TemporaryDirectory(prefix: "resilience-speech")
        defer { dir.remove() }
        let speech = try TestAudio.speech("Yes, I have a question.", sampleRate: 8000, in: dir)
        let model = try await OpenAITestServer.start()
        let account = "My account number is 4 4 7 1 9 2."
        model.enqueueTranscripts([account, "I moved house.", "Yes.", "No.", "What is my account number?"])
        for turn in 1...5 {
            model.enqueue(.sse(OpenAITestReply.audioChunks(
                OpenAITestReply.tone24k(seconds: 0.2), transcript: "Reply \(turn).", audioID: "audio_\(turn)",
                usage: Self.usage)))
        }
        let call = try await Self.call(flow: Self.accountFlow, model: model, transcripts: true) { phone, dialog in
            var sequence: UInt16 = 0
            var timestamp: UInt32 = 0
            var next = ContinuousClock.now
            func send(_ samples: ArraySlice<Int16>) {
                phone.sendRTP(
                    dialog, sequence: sequence, timestamp: timestamp, ssrc: 0x4417,
                    payload: samples.map { G711.ulaw.encode($0) }, marker: sequence == 0)
                sequence &+= 1
                timestamp &+= 160
                next = next + .milliseconds(20)
                let wait = next - ContinuousClock.now
                if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
            }
            let silence = [Int16](repeating: 0, count: 160)
            // The greeting first.
            for _ in 0..<60 { send(silence[...]) }
            for turn in 1...5 {
                for offset in stride(from: 0, to: speech.count - 159, by: 160) { send(speech[offset..<(offset + 160)]) }
                let deadline = ContinuousClock.now + .seconds(8)
                while model.requests.count < turn {
                    guard ContinuousClock.now < deadline else { throw ServeTestError("no request for caller turn \(turn)") }
                    send(silence[...])
                }
                // The reply (0.2 s) plays; then the caller speaks again.
                for _ in 0..<40 { send(silence[...]) }
            }
        }
        let text = CallLogText.detail(call.detail)
        try #require(call.bodies.count >= 5, "\(text)")
        #expect(call.transcriptionRequests >= 5)
        // Turns 1-4 went as audio; the request of turn 5 carries turn 1 as the caller's words.
        let firstHasText = call.bodies[0].contains(account)
        #expect(!firstHasText, "turn 1 itself goes as audio")
        #expect(call.bodies[4].contains(account), "\(call.bodies[4].prefix(800))")
        let placeholder = call.bodies[4].contains("audio dropped")
        #expect(!placeholder, "turn 1 went as the placeholder, not as the caller's words")
        // The call log keeps the caller's transcripts.
        let callerTurns = call.detail.turns.filter { $0.role == "caller" }
        try #require(callerTurns.count >= 5, "\(text)")
        #expect(callerTurns[0].transcript == account, "\(text)")
        #expect(callerTurns[4].transcript == "What is my account number?", "\(text)")
    }
}
