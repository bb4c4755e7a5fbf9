import Foundation
import Testing
@testable import Flows
import SwitchboardCore

@Suite struct AgentInterpreterTests {
    static let yaml = """
        name: agent-test
        defaults: {voice: alloy, model: test-model}
        routes:
          billing: sip:billing@pbx.test
          human: sip:human@pbx.test
        tools:
          lookup_account: {description: Look up the account., builtin: lookup_account}
          transfer_call: {description: Transfer the caller., builtin: transfer_call}
        start: bot
        on_error: sorry
        steps:
          bot:
            agent:
              instructions: "Help {{caller.name}}."
              tools: [lookup_account, transfer_call]
              max_turns: 2
              silence_timeout_ms: 3000
              max_silences: 2
            exits:
              transfer_call: pick
              max_turns: too_long
              silence: quiet
          pick:
            switch:
              - if: vars.exit_args.route == "billing"
                goto: to_billing
            default: to_human
          to_billing: {transfer: billing}
          to_human: {transfer: human}
          too_long: {hangup: max turns}
          quiet: {hangup: silence}
          sorry: {hangup: error}
        """

    func started() throws -> (InterpreterHarness, ModelRequest) {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        let first = harness.start()
        #expect(first.contains(.listen(ListenConfig(dtmf: nil, speech: true))))
        let request = try #require(modelRequests(first).first)
        return (harness, request)
    }

    @Test func firstRequestCarriesStepConfiguration() throws {
        let (_, request) = try started()
        #expect(request.instructions == "Help Ada.")
        #expect(request.trigger == .start)
        #expect(request.isNewConversation)
        #expect(request.voice == "alloy")
        #expect(request.model == "test-model")
        #expect(request.tools.map(\.name) == ["lookup_account", "transfer_call"])
    }

    @Test func toolExitTransfersToTheRouteTheModelChose() throws {
        var (harness, _) = try started()
        let call = ToolCall(id: "c1", name: "transfer_call", arguments: .object(["route": .string("billing")]))
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [call])), at: 900)
        #expect(actions.contains(.transfer(uri: "sip:billing@pbx.test", route: "billing")))
        #expect(harness.interpreter.variables["exit_args"] == .object(["route": .string("billing")]))
        let last = harness.send(.transferResult(failure: nil), at: 1500)
        #expect(outcome(last) == .transferred(uri: "sip:billing@pbx.test"))
    }

    @Test func ordinaryToolCallRoundTripsToTheModel() throws {
        var (harness, _) = try started()
        let call = ToolCall(id: "c7", name: "lookup_account", arguments: .object([:]))
        let actions = harness.send(.modelReply(ModelReply(text: "One moment.", toolCalls: [call])), at: 800)
        #expect(toolCalls(actions) == [call])
        #expect(spoken(actions) == ["One moment."])
        let result = ToolResult(id: "c7", outcome: .success(.object(["plan": .string("gold")])))
        let next = harness.send(.toolResult(result), at: 1200)
        let request = try #require(modelRequests(next).first)
        #expect(request.trigger == .toolResults([result]))
        #expect(!request.isNewConversation)
    }

    @Test func undeclaredToolGoesBackAsAnError() throws {
        var (harness, _) = try started()
        let call = ToolCall(id: "x", name: "format_disk", arguments: .null)
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [call])), at: 800)
        #expect(toolCalls(actions).isEmpty)
        let request = try #require(modelRequests(actions).first)
        guard case .toolResults(let results) = request.trigger, case .failure = results.first?.outcome else {
            Issue.record("expected a failed tool result, got \(request.trigger)")
            return
        }
    }

    @Test func maxTurnsExit() throws {
        var (harness, _) = try started()
        let reply1 = harness.send(.modelReply(ModelReply(text: "Hello!")), at: 500)
        let listening = harness.finishPrompts(in: reply1, at: 1500)
        #expect(timers(listening).map(\.0.kind) == [.silence])
        let ask = harness.send(.speechTurn(transcript: "hi"), at: 2000)
        #expect(modelRequests(ask).first?.trigger == .callerTurn(transcript: "hi"))
        let reply2 = harness.send(.modelReply(ModelReply(text: "Anything else?")), at: 2500)
        let last = harness.finishPrompts(in: reply2, at: 3500)
        #expect(outcome(last) == .hungUp(reason: "max turns"))
    }

    @Test func silenceExitAfterMaxSilences() throws {
        var (harness, _) = try started()
        let reply = harness.send(.modelReply(ModelReply(text: "Hi", alreadySpoken: true)), at: 500)
        let first = try #require(timers(reply).first)
        #expect(first.1 == .milliseconds(3500))
        let nudge = harness.send(.timerFired(first.0), at: 3500)
        #expect(modelRequests(nudge).first?.trigger == .callerSilent)
        let again = harness.send(.modelReply(ModelReply(text: "Still there?", alreadySpoken: true)), at: 4000)
        let second = try #require(timers(again).first)
        let last = harness.send(.timerFired(second.0), at: 7000)
        #expect(outcome(last) == .hungUp(reason: "silence"))
    }

    @Test func callerTalkingHoldsTheSilenceTimer() throws {
        var (harness, _) = try started()
        let reply = harness.send(.modelReply(ModelReply(text: "Hi", alreadySpoken: true)), at: 500)
        let first = try #require(timers(reply).first)
        // The caller starts talking at 3000, before the 3 s silence timeout (3500): the timer is replaced by a
        // guard, so its firing is stale and no nudge is asked for while the caller talks.
        let talking = harness.send(.speechStarted, at: 3000)
        #expect(talking.contains(.cancelTimer(first.0)))
        let guardTimer = try #require(timers(talking).first)
        #expect(guardTimer.1 == .milliseconds(3000 + 3000 + FlowInterpreter.speechGuardMs))
        #expect(harness.send(.timerFired(first.0), at: 3500).isEmpty)
        let ask = harness.send(.speechTurn(transcript: "my balance please"), at: 5200)
        #expect(modelRequests(ask).first?.trigger == .callerTurn(transcript: "my balance please"))
        #expect(ask.contains(.cancelTimer(guardTimer.0)))
    }

    @Test func modelFailureGoesToOnError() throws {
        var (harness, _) = try started()
        let last = harness.send(.modelFailed(reason: "HTTP 503"), at: 400)
        #expect(outcome(last) == .hungUp(reason: "error"))
        #expect(harness.interpreter.variables["error"] == .string("model failed: HTTP 503"))
    }

    @Test func bargeInCancelsTheRequestInFlight() throws {
        var (harness, _) = try started()
        let actions = harness.send(.speechTurn(transcript: "wait"), at: 300)
        #expect(actions.first == .cancelModel)
        #expect(modelRequests(actions).first?.trigger == .callerTurn(transcript: "wait"))
        // A stale reply to the cancelled request is not expected; the next reply answers the new one.
        #expect(spoken(harness.send(.modelReply(ModelReply(text: "Sure.")), at: 600)) == ["Sure."])
    }

    @Test func hangUpDuringAgentCancelsModelAndEnds() throws {
        var (harness, _) = try started()
        let actions = harness.send(.hangUp, at: 700)
        #expect(actions.contains(.cancelModel))
        #expect(outcome(actions) == .callerHungUp)
        #expect(!actions.contains { if case .hangUp = $0 { return true } else { return false } })
        #expect(harness.send(.modelReply(ModelReply(text: "late")), at: 800).isEmpty)
    }
}
