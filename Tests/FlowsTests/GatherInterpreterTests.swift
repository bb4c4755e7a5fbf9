import Foundation
import Testing
@testable import Flows

@Suite struct GatherInterpreterTests {
    static let yaml = """
        name: gather-test
        start: menu
        steps:
          menu:
            gather:
              dtmf: {max_digits: 3, terminator: "#", first_digit_timeout_ms: 4000, inter_digit_timeout_ms: 2000}
              speech: true
            prompt: "Enter your code."
            reprompt: "Please enter your code again."
            retries: 1
            store: code
            on:
              "1": one
              "42": forty_two
              speech: spoke
              no_input: silent
              no_match: wrong
          one: {hangup: one}
          forty_two: {hangup: forty-two}
          spoke: {hangup: spoke}
          silent: {hangup: silent}
          wrong: {hangup: wrong}
        """

    /// (name, events after the prompt finished at t=1000, expected hang-up reason, expected vars.code)
    static let cases: [(String, [(FlowEvent, Int)], String, String?)] = [
        ("single digit match", [(.dtmf("1"), 1500), (.timerFired(FlowTimerID(kind: .interDigit, generation: 2)), 3500)], "one", "1"),
        ("terminator ends input", [(.dtmf("4"), 1500), (.dtmf("2"), 1800), (.dtmf("#"), 1900)], "forty-two", "42"),
        ("inter-digit timeout ends input", [(.dtmf("4"), 1500), (.dtmf("2"), 1800), (.timerFired(FlowTimerID(kind: .interDigit, generation: 3)), 3800)], "forty-two", "42"),
        ("speech goes to on.speech", [(.speechTurn(transcript: "billing please"), 2500)], "spoke", "billing please"),
    ]

    @Test(arguments: 0..<4)
    func exits(_ index: Int) throws {
        let (name, events, reason, code) = Self.cases[index]
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        let first = harness.start()
        #expect(spoken(first) == ["Enter your code."], "\(name)")
        #expect(first.contains(.listen(ListenConfig(dtmf: .init(maxDigits: 3, terminator: "#"), speech: true))))
        let afterPrompt = harness.finishPrompts(in: first, at: 1000)
        #expect(timers(afterPrompt).map(\.1) == [.milliseconds(5000)], "no-input timer starts when the prompt ends")
        var last: [FlowAction] = []
        for (event, at) in events { last = harness.send(event, at: at) }
        #expect(last.contains(.hangUp(reason: reason)), "\(name): \(last)")
        #expect(outcome(last) == .hungUp(reason: reason))
        #expect(harness.interpreter.variables["code"] == code.map { .string($0) })
    }

    @Test func noInputTwiceExhaustsRetries() throws {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        let first = harness.start()
        let timer1 = try #require(timers(harness.finishPrompts(in: first, at: 1000)).first)
        let retry = harness.send(.timerFired(timer1.0), at: 5000)
        #expect(spoken(retry) == ["Please enter your code again."])
        let timer2 = try #require(timers(harness.finishPrompts(in: retry, at: 6000)).first)
        #expect(timer2.1 == .milliseconds(10_000))
        #expect(timer2.0 != timer1.0)
        // The first timer firing late is stale and ignored.
        #expect(harness.send(.timerFired(timer1.0), at: 7000).isEmpty)
        let last = harness.send(.timerFired(timer2.0), at: 10_000)
        #expect(outcome(last) == .hungUp(reason: "silent"))
    }

    @Test func callerTalkingAtTheNoInputTimeoutIsNotNoInput() throws {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        let timer = try #require(timers(harness.finishPrompts(in: harness.start(), at: 1000)).first)
        #expect(timer.1 == .milliseconds(5000))
        // Speech opens a turn at 4200; the no-input deadline (5000) passes while the caller talks.
        let talking = harness.send(.speechStarted, at: 4200)
        #expect(talking.contains(.cancelTimer(timer.0)))
        #expect(spoken(talking).isEmpty)
        #expect(harness.send(.timerFired(timer.0), at: 5000).isEmpty, "the old no-input timer is stale")
        let last = harness.send(.speechTurn(transcript: "my code is forty two"), at: 6100)
        #expect(outcome(last) == .hungUp(reason: "spoke"))
        #expect(!harness.all.contains { if case .log(let entry) = $0 { entry.kind == "no_input" } else { false } })
    }

    @Test func aTurnThatNeverEndsStillReachesNoInput() throws {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        _ = harness.finishPrompts(in: harness.start(), at: 1000)
        let guardTimer = try #require(timers(harness.send(.speechStarted, at: 2000)).first)
        #expect(guardTimer.1 == .milliseconds(2000 + 4000 + FlowInterpreter.speechGuardMs))
        let retry = harness.send(.timerFired(guardTimer.0), at: 41_000)
        #expect(spoken(retry) == ["Please enter your code again."])
    }

    @Test func speechWhileThePromptPlaysLeavesTheTimerAlone() throws {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        let first = harness.start()
        #expect(harness.send(.speechStarted, at: 300).isEmpty)
        #expect(timers(harness.finishPrompts(in: first, at: 1000)).map(\.1) == [.milliseconds(5000)])
    }

    @Test func noMatchRepromptsThenLeaves() throws {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        _ = harness.finishPrompts(in: harness.start(), at: 1000)
        let retry = harness.send(.dtmf("#"), at: 1200)  // terminator with no digits: no match
        #expect(spoken(retry) == ["Please enter your code again."])
        _ = harness.finishPrompts(in: retry, at: 2000)
        harness.send(.dtmf("9"), at: 2500)
        harness.send(.dtmf("9"), at: 2600)
        let last = harness.send(.dtmf("9"), at: 2700)  // max_digits reached: "999" matches nothing
        #expect(outcome(last) == .hungUp(reason: "wrong"))
        #expect(harness.interpreter.variables["code"] == .string("999"))
    }

    @Test func digitCutsInterruptiblePrompt() throws {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        let first = harness.start()
        let cut = harness.send(.dtmf("4"), at: 300)
        #expect(cut.first == .stopPlayback)
        #expect(timers(cut).map(\.0.kind) == [.interDigit])
        // The cut prompt's playbackFinished must not start a no-input timer.
        #expect(harness.finishPrompts(in: first, at: 320).isEmpty)
    }

    @Test func saidDigitMatchesMenuKeyWithoutSpeechRoute() throws {
        let yaml = """
            name: spoken-menu
            start: menu
            steps:
              menu:
                gather: both
                prompt: "Say or press one or two."
                on: {"1": a, "2": b, no_input: a, no_match: b}
              a: {hangup: a}
              b: {hangup: b}
            """
        var harness = InterpreterHarness(try validFlow(yaml))
        _ = harness.finishPrompts(in: harness.start(), at: 500)
        let last = harness.send(.speechTurn(transcript: "Two."), at: 900)
        #expect(outcome(last) == .hungUp(reason: "b"))
    }
}
