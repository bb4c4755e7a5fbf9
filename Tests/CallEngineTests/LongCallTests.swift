import CallEngine
import Foundation
import Flows
import SwitchboardTestKit
import Testing

@Suite("A long call on the virtual clock", .tags(.integration))
struct LongCallTests {
    typealias Reply = ScriptedConversationModel.Reply

    struct Outcome: Equatable {
        var botSamples: [Int16]
        var events: [CallLogEvent]
        var outcome: FlowOutcome?
    }

    /// 60 s: menu, then four caller turns each answered by the model, then the caller hangs up.
    static func sixtySecondCall(_ callerTurns: [[Int16]], _ answers: [[Int16]]) async throws -> (Outcome, Duration) {
        let replies = answers.enumerated().map { i, audio in Reply(audio: audio, transcript: "Answer \(i).") }
        // A long silence timeout, so the model is only asked after caller turns.
        let yaml = CallHarness.flowYAML.replacingOccurrences(
            of: "      max_silences: 5", with: "      max_silences: 5\n      silence_timeout_ms: 30000")
        let call = try CallHarness(replies: replies, yaml: yaml)
        call.transport.callerPresses("2", atMs: 5000)
        for (i, turn) in callerTurns.enumerated() {
            call.transport.callerSays(turn, atMs: 12_000 + i * 11_000)
        }
        call.transport.callerHangsUp(atMs: 60_000)
        let wall = ContinuousClock()
        let start = wall.now
        let result = await call.run(maxMs: 61_000)
        let elapsed = wall.now - start
        #expect(result.durationMs >= 60_000)
        #expect(call.model.requests.count == answers.count)
        return (Outcome(botSamples: result.botSamples, events: call.log.events, outcome: await call.session.outcome), elapsed)
    }

    @Test func sixtySecondsReplayInWellUnderASecondAndDeterministically() async throws {
        let dir = try TemporaryDirectory(prefix: "long-call")
        defer { dir.remove() }
        let texts = ["What are your opening hours?", "Can I change my plan?", "How much does it cost?", "Okay, thank you."]
        let callerTurns = try texts.map { try TestAudio.speech($0, sampleRate: CallHarness.rate, in: dir) }
        var answers: [[Int16]] = [try await CallHarness.speech("Hello, what can I do for you?")]
        for text in ["We are open from eight to six.", "Yes, you can.", "It costs ten dollars.", "You are welcome."] {
            answers.append(try await CallHarness.speech(text))
        }
        // Warm the prompt cache so the measured run is the engine alone.
        _ = try await Self.sixtySecondCall(callerTurns, answers)
        let (first, elapsed) = try await Self.sixtySecondCall(callerTurns, answers)
        let (second, _) = try await Self.sixtySecondCall(callerTurns, answers)
        #expect(elapsed < .milliseconds(900), "60 s call took \(elapsed)")
        #expect(first.outcome == .callerHungUp)
        #expect(first == second, "replaying the same call gives the same audio and events")
        #expect(first.botSamples.count >= 60_000 * 8)
    }
}
