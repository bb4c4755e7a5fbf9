// The `send_dtmf` step (issue 14): decoding and checks (only DTMF characters and `w`, templates allowed), and
// the interpreter asks the engine to send the rendered digits before it goes on to `next`.
import Testing
import Foundation
@testable import Flows

@Suite struct SendDTMFStepTests {
    static let flow = """
        name: dial
        vars:
          pin: "42"
        start: dial
        steps:
          dial:
            send_dtmf: "1234#w{{vars.pin}}"
            next: bye
          bye:
            hangup: done

        """

    @Test func sendsTheRenderedDigitsThenGoesOn() throws {
        var harness = InterpreterHarness(try validFlow(Self.flow))
        let actions = harness.start()
        let sent = actions.compactMap { if case .sendDigits(let d) = $0 { return d } else { return nil } }
        #expect(sent == ["1234#w42"])
        let sendIndex = try #require(actions.firstIndex { if case .sendDigits = $0 { return true } else { return false } })
        let hangUpIndex = try #require(actions.firstIndex { if case .hangUp = $0 { return true } else { return false } })
        #expect(sendIndex < hangUpIndex, "digits first, then the next step")
        #expect(outcome(actions) == .hungUp(reason: "done"))
    }

    @Test func onlyDTMFCharactersAndPausesAreAccepted() {
        let bad = Self.flow.replacingOccurrences(of: "1234#w{{vars.pin}}", with: "12x4")
        #expect(problems(bad).contains { $0.contains("`send_dtmf` may hold only 0-9, *, #, A-D and w") }, "\(problems(bad))")
        let empty = Self.flow.replacingOccurrences(of: "\"1234#w{{vars.pin}}\"", with: "\"\"")
        #expect(!problems(empty).isEmpty)
        let unknownKey = Self.flow.replacingOccurrences(of: "    next: bye\n  bye:", with: "    next: bye\n    voice: x\n  bye:")
        #expect(problems(unknownKey).contains { $0.contains("unknown key `voice` in send_dtmf step") }, "\(problems(unknownKey))")
    }
}
