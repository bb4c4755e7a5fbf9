import Foundation
import Testing
@testable import Flows
import SwitchboardCore

/// The built-ins `transfer_call` and `end_call` listed in an agent's `tools:` without an entry under `exits:`
/// act themselves: a transfer to the named route (ending the flow with that outcome) and a goodbye + hang-up.
@Suite struct BuiltinExitTests {
    static let yaml = """
        name: builtin-exits
        defaults: {voice: alloy, model: test-model}
        hours:
          never: {tz: UTC, sun: closed}
        routes:
          billing: sip:billing@pbx.test
          support: {uri: "sip:support@pbx.test", overflow: billing}
          sales: {uri: "sip:sales@pbx.test", hours: never, overflow: billing}
          night: {uri: "sip:night@pbx.test", hours: never}
        tools:
          lookup_account: {builtin: lookup_account}
          transfer_call: {builtin: transfer_call}
          end_call: {builtin: end_call}
        start: bot
        steps:
          bot:
            agent:
              instructions: "Help."
              tools: [lookup_account, transfer_call, end_call]
            on_error: sorry
          sorry: {hangup: failed, goodbye: "Sorry."}
        """

    func started(_ yaml: String = Self.yaml) throws -> InterpreterHarness {
        var harness = InterpreterHarness(try validFlow(yaml))
        harness.start()
        return harness
    }

    static func transfer(_ route: String?, id: String = "t") -> ToolCall {
        ToolCall(id: id, name: "transfer_call", arguments: .object(route.map { ["route": .string($0)] } ?? [:]))
    }

    static func transfers(_ actions: [FlowAction]) -> [FlowAction] {
        actions.filter { if case .transfer = $0 { return true } else { return false } }
    }

    @Test func transferCallWithARouteTransfersAndEndsWithThatOutcome() throws {
        var harness = try started()
        let reply = ModelReply(text: "Connecting you to billing.", toolCalls: [Self.transfer("billing")])
        let actions = harness.send(.modelReply(reply), at: 500)
        #expect(toolCalls(actions).isEmpty, "the built-in is not run as a plain tool")
        #expect(actions.contains(.stopListening))
        #expect(spoken(actions) == ["Connecting you to billing."])
        #expect(Self.transfers(actions).isEmpty, "the words come first")
        #expect(harness.interpreter.variables["exit_args"] == .object(["route": .string("billing")]))

        let transferring = harness.finishPrompts(in: actions, at: 1500)
        #expect(transferring == [.transfer(uri: "sip:billing@pbx.test", route: "billing")])
        let end = harness.send(.transferResult(failure: nil), at: 2000)
        #expect(outcome(end) == .transferred(uri: "sip:billing@pbx.test"))
        #expect(!end.contains { if case .hangUp = $0 { return true } else { return false } }, "a transfer is no hang-up")
        #expect(harness.interpreter.isFinished)
    }

    @Test func withoutWordsTheTransferStartsAtOnce() throws {
        var harness = try started()
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [Self.transfer("support")])), at: 500)
        #expect(Self.transfers(actions) == [.transfer(uri: "sip:support@pbx.test", route: "support")])
    }

    @Test func aClosedRouteUsesItsOverflow() throws {
        var harness = try started()
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [Self.transfer("sales")])), at: 500)
        #expect(Self.transfers(actions) == [.transfer(uri: "sip:billing@pbx.test", route: "billing")])
    }

    @Test func aFailedTransferTriesTheOverflowThenTheAgentsOnError() throws {
        var harness = try started()
        harness.send(.modelReply(ModelReply(text: nil, toolCalls: [Self.transfer("support")])), at: 500)
        let retry = harness.send(.transferResult(failure: "486 Busy Here"), at: 900)
        #expect(Self.transfers(retry) == [.transfer(uri: "sip:billing@pbx.test", route: "billing")])
        let failed = harness.send(.transferResult(failure: "480 Temporarily Unavailable"), at: 1300)
        #expect(harness.interpreter.currentStep == "sorry")
        #expect(spoken(failed) == ["Sorry."])
        guard case .string(let error)? = harness.interpreter.variables["error"] else {
            Issue.record("vars.error not set")
            return
        }
        #expect(error.contains("480"))
    }

    @Test(arguments: [
        ("nowhere", "unknown route nowhere (known: billing, night, sales, support)"),
        ("night", "night is closed now and has no open overflow"),
        (nil, "transfer_call needs `route`"),
    ] as [(String?, String)])
    func aTransferThatCannotBeDoneGoesBackToTheModel(route: String?, message: String) throws {
        var harness = try started()
        let reply = ModelReply(text: nil, toolCalls: [Self.transfer(route)])
        let actions = harness.send(.modelReply(reply), at: 500)
        #expect(Self.transfers(actions).isEmpty)
        #expect(harness.interpreter.currentStep == "bot")
        let request = try #require(modelRequests(actions).first, "the model is asked again at once")
        guard case .toolResults(let results) = request.trigger, case .failure(let text)? = results.first?.outcome else {
            Issue.record("expected a failed tool result, got \(request.trigger)")
            return
        }
        #expect(results.map(\.id) == ["t"])
        #expect(text.contains(message), "\(text)")
    }

    @Test func aRefusedTransferDoesNotHideAValidOneLaterInTheReply() throws {
        var harness = try started()
        let reply = ModelReply(text: nil, toolCalls: [Self.transfer("nowhere", id: "bad"), Self.transfer("billing", id: "good")])
        let actions = harness.send(.modelReply(reply), at: 500)
        #expect(Self.transfers(actions) == [.transfer(uri: "sip:billing@pbx.test", route: "billing")])
    }

    @Test func endCallSaysItsGoodbyeAndHangsUp() throws {
        var harness = try started()
        let end = ToolCall(id: "e", name: "end_call", arguments: .object(["goodbye": .string("Bye now."), "reason": .string("done")]))
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [end])), at: 500)
        #expect(toolCalls(actions).isEmpty)
        #expect(spoken(actions) == ["Bye now."])
        let after = harness.finishPrompts(in: actions, at: 1500)
        #expect(after.contains(.hangUp(reason: "end_call: done")))
        #expect(outcome(after) == .hungUp(reason: "end_call: done"))
    }

    @Test func endCallWithNothingSaidUsesTheStandardGoodbye() throws {
        var harness = try started()
        let end = ToolCall(id: "e", name: "end_call", arguments: .object([:]))
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [end])), at: 500)
        #expect(spoken(actions) == [FlowInterpreter.standardGoodbye])
    }

    @Test func endCallAfterTheModelSpokeHangsUpAtOnce() throws {
        var harness = try started()
        let end = ToolCall(id: "e", name: "end_call", arguments: .object([:]))
        let reply = ModelReply(text: "Goodbye!", toolCalls: [end], alreadySpoken: true)
        let actions = harness.send(.modelReply(reply), at: 500)
        #expect(spoken(actions).isEmpty)
        #expect(outcome(actions) == .hungUp(reason: "end_call"))
    }

    @Test func endCallWaitsForTheReplysOtherCalls() throws {
        var harness = try started()
        let lookup = ToolCall(id: "a", name: "lookup_account", arguments: .object([:]))
        let end = ToolCall(id: "e", name: "end_call", arguments: .object([:]))
        let actions = harness.send(.modelReply(ModelReply(text: "Your balance is 12 dollars. Goodbye.", toolCalls: [lookup, end])), at: 500)
        #expect(toolBatches(actions) == [[lookup]])
        #expect(spoken(actions).isEmpty)
        let leaving = harness.send(.toolResult(ToolResult(id: "a", outcome: .success(.object([:])))), at: 700)
        #expect(spoken(leaving) == ["Your balance is 12 dollars. Goodbye."])
        #expect(outcome(harness.finishPrompts(in: leaving, at: 1500)) == .hungUp(reason: "end_call"))
    }

    @Test func aBuiltinUnderAnotherNameActsToo() throws {
        let yaml = """
            name: renamed
            routes:
              desk: sip:desk@pbx.test
            tools:
              handoff: {description: Hand the caller to the desk., builtin: transfer_call}
            start: bot
            steps:
              bot:
                agent:
                  instructions: "Help."
                  tools: [handoff]
            """
        var harness = try started(yaml)
        let call = ToolCall(id: "h", name: "handoff", arguments: .object(["route": .string("desk")]))
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [call])), at: 500)
        #expect(Self.transfers(actions) == [.transfer(uri: "sip:desk@pbx.test", route: "desk")])
    }

    // MARK: flows check

    @Test func withoutRoutesTheValidatorPointsAtTheTool() {
        let yaml = """
            name: v
            tools:
              transfer_call: {builtin: transfer_call}
            start: bot
            steps:
              bot:
                agent:
                  instructions: "Help."
                  tools: [transfer_call]
            """
        let found = problems(yaml)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("9:15: `transfer_call` (built-in transfer_call) has no exit here") == true, "\(found)")
        #expect(found.first?.contains("declares no `routes:`") == true)
        #expect(found.first?.contains("add `exits: {transfer_call: STEP}`") == true)
    }

    @Test func aDeclaredSchemaMustLetTheModelNameADeclaredRoute() {
        let yaml = """
            name: v
            routes: {billing: "sip:billing@pbx.test"}
            tools:
              transfer_call:
                builtin: transfer_call
                parameters:
                  type: object
                  properties: {route: {type: string, enum: [billing, sales]}}
              handoff:
                builtin: transfer_call
                parameters: {type: object, properties: {where: {type: string}}}
            start: bot
            steps:
              bot:
                agent:
                  instructions: "Help."
                  tools: [transfer_call, handoff]
            """
        let found = problems(yaml)
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.hasPrefix("17:15:") && $0.contains("\"sales\", which is not a declared route") })
        #expect(found.contains { $0.hasPrefix("17:30:") && $0.contains("no `route` property") })
    }

    @Test func anExitMakesTheChecksMoot() throws {
        let yaml = """
            name: v
            tools:
              transfer_call: {builtin: transfer_call}
            start: bot
            steps:
              bot:
                agent:
                  instructions: "Help."
                  tools: [transfer_call]
                exits:
                  transfer_call: person
              person: {transfer: "sip:desk@pbx.test"}
            """
        _ = try validFlow(yaml)
    }
}

/// A `tool:` step would run transfer_call/end_call as plain tools (an answer, no transfer, no hang-up).
@Suite struct BuiltinToolStepTests {
    @Test func toolStepsOnTransferAndHangUpBuiltinsAreRejected() {
        let yaml = """
            name: v
            routes: {billing: "sip:billing@pbx.test"}
            tools:
              transfer_call: {builtin: transfer_call}
              end_call: {builtin: end_call}
            start: move
            steps:
              move: {tool: transfer_call, args: {route: billing}, next: stop}
              stop: {tool: end_call}
            """
        let found = problems(yaml)
        #expect(found.count == 2, "\(found)")
        #expect(found.contains { $0.hasPrefix("8:16:") && $0.contains("use a `transfer: ROUTE` step") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("9:16:") && $0.contains("use a `hangup:` step") }, "\(found)")
    }
}
