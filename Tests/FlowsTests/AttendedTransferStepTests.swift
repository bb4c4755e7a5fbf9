// The `transfer` step's attended mode (issue 14): `mode`, `whisper` and `answer_timeout` decode with positioned
// errors, and the interpreter asks for an attended transfer with the whisper rendered from flow variables.
import Testing
@testable import Flows

@Suite struct AttendedTransferStepTests {
    static let flow = """
        name: warm
        routes:
          desk: sip:desk@pbx.test
          backup: sip:backup@pbx.test
        start: go
        steps:
          go:
            set: {summary: "a billing question"}
            next: hand_over
          hand_over:
            transfer: desk
            mode: attended
            whisper: "Caller {{caller.number}} about {{vars.summary}}"
            answer_timeout: 12
            on_failure: sorry
          sorry: {hangup: nobody}
        """

    @Test func attendedModeDecodes() throws {
        let flow = try validFlow(Self.flow)
        guard case .transfer(let step)? = flow.steps["hand_over"]?.kind else {
            Issue.record("not a transfer step")
            return
        }
        #expect(step.mode == .attended)
        #expect(step.answerTimeoutMs == 12_000)
        #expect(step.whisper != nil)
        let blind = try validFlow("name: b\nstart: t\nsteps:\n  t: {transfer: sip:a@pbx.test}\n")
        guard case .transfer(let plain)? = blind.steps["t"]?.kind else { return }
        #expect(plain.mode == .blind)
        #expect(plain.answerTimeoutMs == TransferStep.defaultAnswerTimeoutMs)
    }

    @Test func badAttendedOptionsAreErrorsWithPositions() {
        let base = "name: b\nstart: t\nsteps:\n  t:\n    transfer: sip:a@pbx.test\n"
        #expect(problems(base + "    mode: atended\n") == ["6:11: `mode` must be `blind` or `attended`, found `atended`; did you mean `attended`?"])
        #expect(problems(base + "    whisper: hi\n") == ["6:14: `whisper` is spoken to the target of an attended transfer: add `mode: attended`"])
        #expect(problems(base + "    mode: attended\n    answer_timeout: 0\n") == ["7:21: `answer_timeout` (seconds) must be between 1 and 300, found 0"])
        #expect(problems(base + "    mode: attended\n    answer_timeout: soon\n") == ["7:21: `answer_timeout` (seconds) must be a whole number"])
        #expect(problems(base + "    answer_timeout: 5\n") == ["6:21: `answer_timeout` is for an attended transfer's call to the target: add `mode: attended`"])
    }

    @Test func interpreterAsksForAnAttendedTransferWithTheRenderedWhisper() throws {
        var harness = InterpreterHarness(try validFlow(Self.flow))
        let actions = harness.start(caller: "+15550100001")
        let expected = AttendedTransferRequest(
            uri: "sip:desk@pbx.test", route: "desk", whisper: "Caller +15550100001 about a billing question", answerTimeoutMs: 12_000)
        #expect(actions.contains(.attendedTransfer(expected)), "\(actions)")
        #expect(!actions.contains { if case .transfer = $0 { return true } else { return false } })
        let failed = harness.send(.transferResult(failure: "the target answered 486"), at: 5_000)
        #expect(outcome(failed) == .hungUp(reason: "nobody"))
    }

    @Test func aCompletedAttendedTransferEndsAsTransferred() throws {
        var harness = InterpreterHarness(try validFlow(Self.flow))
        _ = harness.start()
        let done = harness.send(.transferResult(failure: nil), at: 9_000)
        #expect(outcome(done) == .transferred(uri: "sip:desk@pbx.test"))
    }
}
