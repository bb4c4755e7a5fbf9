// The built-in `send_dtmf` tool (issue 14): when the model calls it in an agent step, the interpreter asks the
// engine to send the digits (the same `.sendDigits` action as the `send_dtmf` step) and runs the tool, whose
// result goes back to the model; digits the step would refuse are not sent.
import Foundation
import SwitchboardCore
import Testing
@testable import Flows

@Suite struct SendDTMFToolTests {
    static let yaml = """
        name: dtmf-tool
        tools:
          send_dtmf: {builtin: send_dtmf}
        start: bot
        steps:
          bot:
            agent:
              instructions: "Work the other menu."
              tools: [send_dtmf]
        """

    @Test func theModelsDigitsAreSentAndTheToolRuns() throws {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        let first = harness.start()
        let request = try #require(modelRequests(first).first)
        let declared = try #require(request.tools.first)
        #expect(declared.name == "send_dtmf")
        #expect(declared.description.contains("DTMF"))
        let call = ToolCall(id: "call_1", name: "send_dtmf", arguments: .object(["digits": .string("1234#")]))
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [call])), at: 900)
        #expect(actions.contains(.sendDigits("1234#")), "\(actions)")
        #expect(toolCalls(actions).map(\.name) == ["send_dtmf"])
        // Sent before the tool runs, so its result means the digits are on their way.
        let sendIndex = try #require(actions.firstIndex(of: .sendDigits("1234#")))
        let toolIndex = try #require(actions.firstIndex { if case .callTools = $0 { return true } else { return false } })
        #expect(sendIndex < toolIndex)
    }

    @Test func digitsTheStepWouldRefuseAreNotSent() throws {
        var harness = InterpreterHarness(try validFlow(Self.yaml))
        _ = harness.start()
        let call = ToolCall(id: "call_1", name: "send_dtmf", arguments: .object(["digits": .string("12; rm -rf")]))
        let actions = harness.send(.modelReply(ModelReply(text: nil, toolCalls: [call])), at: 900)
        #expect(!actions.contains { if case .sendDigits = $0 { return true } else { return false } })
    }
}
