import Foundation
import Testing
@testable import Flows
import SwitchboardCore

/// The tool calls of one model reply leave the interpreter as one batch; results go back in call order;
/// an exit tool waits for the reply's other calls.
@Suite struct ToolBatchInterpreterTests {
    static let yaml = """
        name: batch-test
        defaults: {voice: alloy, model: test-model}
        routes:
          human: sip:human@pbx.test
        tools:
          lookup_account: {description: Look up the account., builtin: lookup_account}
          verify_caller: {description: Check the PIN., builtin: verify_caller}
          transfer_call: {description: Transfer the caller., builtin: transfer_call}
          end_call: {description: Hang up., builtin: end_call}
        start: bot
        steps:
          bot:
            agent:
              instructions: "Help."
              tools: [lookup_account, verify_caller, transfer_call, end_call]
            exits:
              transfer_call: to_human
              end_call: bye
          to_human: {transfer: human}
          bye: {hangup: done, goodbye: "Bye."}
        """

    func started() throws -> InterpreterHarness {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        harness.start()
        return harness
    }

    func call(_ id: String, _ name: String) -> ToolCall {
        ToolCall(id: id, name: name, arguments: .object(["id": .string(id)]))
    }

    func success(_ id: String) -> ToolResult {
        ToolResult(id: id, outcome: .success(.object(["answer": .string(id)])))
    }

    @Test func allCallsOfOneReplyLeaveAsOneBatch() throws {
        var harness = try started()
        let calls = [call("a", "verify_caller"), call("b", "lookup_account"), call("c", "lookup_account")]
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: calls)), at: 500)
        #expect(toolBatches(actions) == [calls])
    }

    @Test func resultsGoBackInCallOrderWhateverOrderTheyFinish() throws {
        var harness = try started()
        let calls = [call("a", "verify_caller"), call("x", "format_disk"), call("b", "lookup_account")]
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: calls)), at: 500)
        #expect(toolBatches(actions) == [[calls[0], calls[2]]], "the undeclared tool is not run")
        #expect(modelRequests(harness.send(.toolResult(success("b")), at: 600)).isEmpty, "waits for every result")
        let asked = harness.send(.toolResult(success("a")), at: 900)
        let request = try #require(modelRequests(asked).first)
        guard case .toolResults(let results) = request.trigger else {
            Issue.record("expected tool results, got \(request.trigger)")
            return
        }
        #expect(results.map(\.id) == ["a", "x", "b"])
        #expect(results[0] == success("a"))
        #expect(results[2] == success("b"))
        guard case .failure(let message) = results[1].outcome else {
            Issue.record("the undeclared tool should fail")
            return
        }
        #expect(message.contains("format_disk"))
    }

    @Test func unknownAndRepeatedResultsAreIgnored() throws {
        var harness = try started()
        let calls = [call("a", "lookup_account"), call("b", "lookup_account")]
        harness.send(.modelReply(ModelReply(text: nil, toolCalls: calls)), at: 500)
        #expect(harness.send(.toolResult(success("zzz")), at: 600).isEmpty)
        #expect(harness.send(.toolResult(success("a")), at: 700).isEmpty)
        #expect(harness.send(.toolResult(success("a")), at: 800).isEmpty, "a second answer to a does not complete b")
        #expect(modelRequests(harness.send(.toolResult(success("b")), at: 900)).count == 1)
    }

    @Test func repeatedCallIDsEachGetTheirSlot() throws {
        var harness = try started()
        let calls = [call("same", "lookup_account"), call("same", "verify_caller")]
        harness.send(.modelReply(ModelReply(text: nil, toolCalls: calls)), at: 500)
        #expect(harness.send(.toolResult(success("same")), at: 600).isEmpty)
        let request = try #require(modelRequests(harness.send(.toolResult(success("same")), at: 700)).first)
        #expect(request.trigger == .toolResults([success("same"), success("same")]))
    }

    @Test func exitToolWaitsForTheReplysOtherCalls() throws {
        var harness = try started()
        let lookup = call("a", "lookup_account")
        let transfer = ToolCall(id: "t", name: "transfer_call", arguments: .object(["route": .string("human")]))
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [transfer, lookup])), at: 500)
        #expect(toolBatches(actions) == [[lookup]], "the exit tool itself is not run")
        #expect(!actions.contains { if case .transfer = $0 { return true } else { return false } })
        #expect(harness.interpreter.currentStep == "bot")
        let next = harness.send(.toolResult(ToolResult(id: "a", outcome: .failure("tool_error: down"))), at: 800)
        #expect(next.contains(.transfer(uri: "sip:human@pbx.test", route: "human")), "a failed call does not stop the exit")
        #expect(modelRequests(next).isEmpty, "the results are not sent to the model")
        #expect(harness.interpreter.variables["exit_args"] == .object(["route": .string("human")]))
        #expect(harness.interpreter.currentStep == "to_human")
    }

    @Test func firstExitWinsAndItsWordsArePlayedOnTheWayOut() throws {
        var harness = try started()
        let end = ToolCall(id: "e", name: "end_call", arguments: .object([:]))
        let transfer = ToolCall(id: "t", name: "transfer_call", arguments: .object(["route": .string("human")]))
        let reply = ModelReply(text: "Thanks, goodbye.", toolCalls: [call("a", "lookup_account"), end, transfer])
        let actions = harness.send(.modelReply(reply), at: 500)
        #expect(spoken(actions).isEmpty, "nothing is said before the other calls are done")
        let leaving = harness.send(.toolResult(success("a")), at: 700)
        #expect(spoken(leaving) == ["Thanks, goodbye."])
        let after = harness.finishPrompts(in: leaving, at: 1500)
        #expect(harness.interpreter.currentStep == "bye")
        #expect(spoken(after) == ["Bye."])
    }

    @Test func loneExitLeavesAtOnce() throws {
        var harness = try started()
        let end = ToolCall(id: "e", name: "end_call", arguments: .object([:]))
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [end, call("x", "format_disk")])), at: 500)
        #expect(toolBatches(actions).isEmpty)
        #expect(harness.interpreter.currentStep == "bye")
    }

    @Test func toolStepRunsItsCallAsABatchOfOne() throws {
        let yaml = """
            name: step-tool
            tools:
              lookup_account: {description: Look up., builtin: lookup_account}
            start: look
            steps:
              look: {tool: lookup_account, store: account, next: done}
              done: {hangup: ok}
            """
        var harness = InterpreterHarness(try validFlow(yaml))
        let batches = toolBatches(harness.start())
        #expect(batches.count == 1)
        #expect(batches.first?.map(\.name) == ["lookup_account"])
    }
}
