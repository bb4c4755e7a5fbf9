import Audio
import CallEngine
import Flows
import Foundation
import SwitchboardTestKit
import Testing
import SwitchboardCore

@Suite("CallSession on a virtual clock")
struct CallSessionTests {
    typealias Reply = ScriptedConversationModel.Reply
    static let rate = CallHarness.rate

    static func callerSpeech(_ text: String, _ dir: TemporaryDirectory) throws -> [Int16] {
        try TestAudio.speech(text, sampleRate: rate, in: dir)
    }

    static func hasEvent(_ log: CollectingCallEventSink, _ match: (CallLogEvent) -> Bool) -> Bool {
        log.events.contains(where: match)
    }

    @Test func greetingThenDTMFMenuToTransfer() async throws {
        let call = try CallHarness(replies: [])
        call.transport.callerPresses("1", atMs: 5000)
        let result = await call.run()
        #expect(CallHarness.botLevel(result, fromMs: 100, toMs: 1000) > 300, "greeting is audible")
        #expect(call.transport.transfers == ["sip:billing@pbx.example.com"])
        let outcome = await call.session.outcome
        #expect(outcome == .transferred(uri: "sip:billing@pbx.example.com"))
        let steps = await call.session.stepsVisited
        #expect(steps == ["greeting", "menu", "to_billing"])
        let said = await call.session.transcript.filter { $0.speaker == .bot }.map(\.text)
        #expect(said == ["Welcome to the test line.", "Press 1 for billing, or 2 for the assistant.", "Connecting you to billing."])
        #expect(Self.hasEvent(call.log) { $0 == .dtmf("1") })
        #expect(Self.hasEvent(call.log) { $0 == .transfer(target: "sip:billing@pbx.example.com", result: "ok") })
        #expect(call.model.requests.isEmpty)
    }

    @Test func inbandDTMFToneReachesTheMenu() async throws {
        var configuration = CallSessionConfiguration()
        configuration.inbandDTMF = true
        let call = try CallHarness(replies: [], configuration: configuration)
        call.transport.callerSays(try #require(DTMF.tone("1", durationMs: 100, sampleRate: Self.rate)), atMs: 5000)
        _ = await call.run()
        #expect(call.transport.transfers == ["sip:billing@pbx.example.com"])
        #expect(Self.hasEvent(call.log) { $0 == .dtmf("1") })
    }

    @Test(.tags(.integration)) func agentTurnWithToolCall() async throws {
        let dir = try TemporaryDirectory(prefix: "agent")
        defer { dir.remove() }
        let replies = [
            Reply(audio: try await CallHarness.speech("Hello, how can I help you today?"), transcript: "Hello, how can I help you today?"),
            Reply(toolCalls: [ToolCall(id: "call_1", name: "lookup_account", arguments: .object([:]))]),
            Reply(audio: try await CallHarness.speech("Your balance is forty two dollars."), transcript: "Your balance is forty two dollars."),
            Reply(
                audio: try await CallHarness.speech("Thanks for calling."), transcript: "Thanks for calling.",
                toolCalls: [ToolCall(id: "call_2", name: "end_call", arguments: .object([:]))]
            ),
        ]
        let call = try CallHarness(replies: replies)
        call.tools.register("lookup_account") { _ in .object(["balance": .number(42.5), "plan": .string("basic")]) }
        call.transport.callerPresses("2", atMs: 5000)
        call.transport.callerSays(try Self.callerSpeech("What is my balance?", dir), atMs: 8500)
        call.transport.callerSays(try Self.callerSpeech("Thanks, that is all.", dir), atMs: 15000)
        let result = await call.run()

        let outcome = await call.session.outcome
        #expect(outcome == .hungUp(reason: "done"))
        #expect(call.transport.hangUps == [.completed])
        #expect(call.tools.calls.map(\.name) == ["lookup_account"])
        let requests = call.model.requests
        try #require(requests.count == 4)
        #expect(requests[0].history.isEmpty)
        #expect(requests[0].instructions.contains("Help the caller"))
        #expect(requests[0].tools.map(\.name) == ["lookup_account", "transfer_call", "end_call"])
        guard case .callerAudio(let wav, _) = requests[1].history.last else {
            Issue.record("second request should carry the caller's audio")
            return
        }
        let turnAudio = try WAVParser.parse(wav)
        #expect(turnAudio.sampleRate == 16000)
        #expect(turnAudio.durationMs > 800)
        #expect(requests[2].history.contains { item in
            if case .toolResult(let id, let content) = item { return id == "call_1" && content.contains("42.5") }
            return false
        })
        #expect(requests[3].history.contains(.assistant(transcript: "Your balance is forty two dollars.", audioID: nil)))
        #expect(CallHarness.botLevel(result, fromMs: 5400, toMs: 6400) > 300, "model audio is played")
        let steps = await call.session.stepsVisited
        #expect(steps == ["greeting", "menu", "assistant", "bye"])
        #expect(await call.session.callerTurns == 2)
        let modelLogs = call.log.events.filter { if case .modelRequest = $0 { return true } else { return false } }
        #expect(modelLogs.count == 4)
        #expect(Self.hasEvent(call.log) { if case .toolCall("lookup_account", _, let r?, nil, _) = $0 { return r.contains("42.5") } else { return false } })
        #expect(await call.session.transcript.last?.text == "Goodbye.")
    }

    /// A caller who starts talking before the menu's no-input deadline and is still talking when it passes is
    /// not told "sorry, I didn't catch that": the turn detector's speech onset holds the timer (live and replay
    /// share this pipeline). The silent control call shows the deadline really falls inside the speech.
    @Test func callerTalkingAcrossTheNoInputDeadlineIsHeardNotReprompted() async throws {
        let dir = try TemporaryDirectory(prefix: "noinput")
        defer { dir.remove() }
        func noInputs(_ log: CollectingCallEventSink) -> [String] {
            log.events.compactMap { if case .note("no_input", let detail) = $0 { return detail } else { return nil } }
        }
        let silent = try CallHarness(replies: [])
        _ = await silent.run(maxMs: 30_000)
        #expect(noInputs(silent.log).count == 2, "control: a silent caller reaches no_input twice (one retry)")

        let speech = try Self.callerSpeech(
            "Hello, I would like to check the balance of my account and also the date of my next appointment, please.", dir)
        #expect(speech.count > 5 * Self.rate, "the sentence lasts over five seconds")
        let bye = Reply(
            audio: try await CallHarness.speech("Sure."), transcript: "Sure.",
            toolCalls: [ToolCall(id: "call_1", name: "end_call", arguments: .object([:]))])
        let call = try CallHarness(replies: [bye])
        call.transport.callerSays(speech, atMs: 6500)
        _ = await call.run(maxMs: 30_000)
        #expect(noInputs(call.log).isEmpty, "no_input while the caller talked: \(noInputs(call.log))")
        let steps = await call.session.stepsVisited
        #expect(Array(steps.prefix(3)) == ["greeting", "menu", "assistant"])
        let said = await call.session.transcript.filter { $0.speaker == .bot }.map(\.text)
        #expect(said.filter { $0.hasPrefix("Press 1") }.count == 1, "the menu was not replayed over the caller: \(said)")
    }

    @Test func modelFailureGivesTheSpokenFallback() async throws {
        let call = try CallHarness(replies: [.failing(ModelFailure(code: "http_500", message: "upstream error"))])
        call.transport.callerPresses("2", atMs: 5000)
        let result = await call.run()
        let outcome = await call.session.outcome
        #expect(outcome == .hungUp(reason: "error fallback"))
        let steps = await call.session.stepsVisited
        #expect(steps == ["greeting", "menu", "assistant", "apologize", "hang_up"])
        let said = await call.session.transcript.filter { $0.speaker == .bot }.map(\.text)
        #expect(said.last == "Sorry, something went wrong. Please call again later.")
        #expect(CallHarness.botLevel(result, fromMs: 5400, toMs: 7000) > 300, "the apology is audible")
        #expect(Self.hasEvent(call.log) {
            if case .modelRequest(_, _, let error?, _) = $0 { return error.contains("http_500") } else { return false }
        })
    }

    @Test(.tags(.integration)) func bargeInStopsPlaybackAndCancelsTheModelStream() async throws {
        let dir = try TemporaryDirectory(prefix: "barge")
        defer { dir.remove() }
        let long = "Let me tell you about all of our plans. We have the basic plan, the family plan and the business plan, each with different prices."
        let replies = [
            // Streamed in real time (100 ms of audio every 100 ms), so the request is still in flight at barge-in.
            Reply(audio: try await CallHarness.speech(long), transcript: long, chunkSamples: 800, chunkInterval: .milliseconds(100)),
            Reply(toolCalls: [ToolCall(id: "call_1", name: "transfer_call", arguments: .object(["route": .string("human")]))]),
        ]
        let call = try CallHarness(replies: replies)
        call.transport.callerPresses("2", atMs: 5000)
        let interruption = try Self.callerSpeech("Sorry, I just want a person.", dir)
        let speechStart = 7000
        call.transport.callerSays(interruption, atMs: speechStart)
        let result = await call.run()

        let onsetMs = speechStart + TurnDetectorTests.onset(interruption) * 1000 / Self.rate
        #expect(result.botActive[(onsetMs - 200) / 20], "bot was speaking just before the caller")
        let silentAt = try #require(result.firstSilentTick(atOrAfterMs: onsetMs))
        // "Sorry" begins unvoiced: the barge-in decision waits for voice (about 100 ms of it), see
        // BargeInDetectorTests for voiced onsets (within 150 ms).
        #expect(silentAt - onsetMs <= 250, "playback stopped \(silentAt - onsetMs) ms after speech onset")
        #expect(call.model.cancelledRequests == [0])
        #expect(await call.session.bargeIns == 1)
        #expect(Self.hasEvent(call.log) { $0 == .bargeIn })
        #expect(call.transport.transfers == ["sip:agents@pbx.example.com"])
        let outcome = await call.session.outcome
        #expect(outcome == .transferred(uri: "sip:agents@pbx.example.com"))
        let requests = call.model.requests
        try #require(requests.count == 2)
        #expect(requests[1].history.contains { if case .assistant(let t, _) = $0 { return t.hasSuffix("[interrupted]") } else { return false } })
    }

    @Test func callerHangsUpMidReply() async throws {
        let long = "Here is a long answer that the caller will not wait for, because they hang up in the middle of it."
        let call = try CallHarness(replies: [
            Reply(audio: try await CallHarness.speech(long), transcript: long, chunkSamples: 800, chunkInterval: .milliseconds(100))
        ])
        call.transport.callerPresses("2", atMs: 5000)
        call.transport.callerHangsUp(atMs: 6500)
        let result = await call.run()
        let outcome = await call.session.outcome
        #expect(outcome == .callerHungUp)
        #expect(call.model.cancelledRequests == [0])
        #expect(call.transport.hangUps.isEmpty, "no BYE towards a caller who already left")
        #expect(result.durationMs <= 6600)
        #expect(!call.transport.outbound.isPlaying)
        #expect(call.log.events.last == .ended(reason: "caller_hung_up"))
    }
}
