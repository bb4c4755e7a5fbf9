import Foundation
import Testing
@testable import Tools
import SwitchboardCore

@Suite struct ToolDispatcherTests {
    let dispatcher = ToolsTestSupport.dispatcher(accounts: nil, limits: .init(maxCallsPerTurn: 3, maxCallsPerCall: 5))

    @Test func unknownToolIsAnErrorResult() async {
        let step = await dispatcher.one("delete_everything", "{}", ToolsTestSupport.context())
        #expect(step.result.isError)
        #expect(step.value["retryable"] == false)
        #expect(step.result.errorMessage?.hasPrefix(#"unknown tool "delete_everything""#) == true)
        #expect(step.record.error == step.result.errorMessage)
        #expect(step.record.tool == "delete_everything")
    }

    @Test(arguments: [#"{"route": "billing""#, "not json", #"{"route": "billing"}}"#])
    func argumentsThatAreNotJSONAreAnErrorResult(arguments: String) async {
        let step = await dispatcher.one("transfer_call", arguments, ToolsTestSupport.context())
        #expect(step.result.isError)
        #expect(step.result.errorMessage?.hasPrefix("arguments are not valid JSON") == true)
        #expect(step.record.arguments.stringValue?.hasPrefix("[unparsable arguments") == true)
        #expect(step.result.action == nil)
    }

    @Test func schemaViolationsAreListedForTheModel() async {
        let step = await dispatcher.one("transfer_call", #"{"route": 7, "urgent": true}"#, ToolsTestSupport.context())
        #expect(step.result.isError)
        #expect(step.value["retryable"] == true)
        let message = step.result.errorMessage ?? ""
        #expect(message.contains("/route: expected string, got integer"))
        #expect(message.contains("/urgent: unexpected property"))
    }

    @Test func toolsOutsideTheStepListAreRefused() async {
        let outcome = await dispatcher.dispatch(
            [ToolCall(id: "a", name: "transfer_call", argumentsText: #"{"route":"human"}"#)],
            context: ToolsTestSupport.context(), allowed: ["end_call"])
        #expect(outcome.results[0].errorMessage == #"tool "transfer_call" is not available in this step"#)
        #expect(outcome.action == nil)
    }

    @Test func perTurnCapAnswersTheRestWithErrorsInOrder() async {
        let calls = (0..<5).map { ToolCall(id: "c\($0)", name: "end_call", argumentsText: #"{"goodbye":"bye \#($0)"}"#) }
        let outcome = await dispatcher.dispatch(calls, context: ToolsTestSupport.context())
        #expect(outcome.results.map(\.id) == ["c0", "c1", "c2", "c3", "c4"])
        #expect(outcome.records.map(\.toolCallID) == ["c0", "c1", "c2", "c3", "c4"])
        #expect(outcome.results.map(\.isError) == [false, false, false, true, true])
        #expect(outcome.results[3].errorMessage?.contains("too many tool calls in one turn") == true)
        #expect(outcome.context.toolCallsSoFar == 5)
        #expect(outcome.action == .hangUp(goodbye: "bye 0"))
    }

    @Test func perCallCapStopsLoopsAcrossTurns() async {
        var context = ToolsTestSupport.context()
        var errors: [Bool] = []
        for turn in 0..<4 {
            let calls = (0..<2).map { ToolCall(id: "t\(turn)-\($0)", name: "end_call", argumentsText: "{}") }
            let outcome = await dispatcher.dispatch(calls, context: context)
            errors += outcome.results.map(\.isError)
            context = outcome.context
        }
        #expect(errors == [false, false, false, false, false, true, true, true])
        #expect(context.toolCallsSoFar == 8)
    }

    @Test func toolMessagesAreWhatTheChatAPIExpects() async {
        let step = await dispatcher.one("end_call", #"{"goodbye":"Bye"}"#, ToolsTestSupport.context(), id: "call_abc")
        #expect(
            step.result.toolMessage
                == ["role": "tool", "tool_call_id": "call_abc", "content": #"{"action":"hangup","goodbye":"Bye"}"#])
        let tools = ToolRegistry.builtins().openAITools(allowed: ["lookup_account"])
        #expect(tools.count == 1)
        #expect(tools[0]["type"] == "function")
        #expect(tools[0]["function"]?["name"] == "lookup_account")
        #expect(tools[0]["function"]?["parameters"]?["type"] == "object")
    }

    @Test func registryReportsDeclarationProblems() {
        let bad = [
            ToolDefinition(name: "has space", description: "x", parameters: ["type": "object"], implementation: .builtin(.endCall)),
            ToolDefinition(name: "dup", description: "", parameters: ["type": "string"], implementation: .builtin(.endCall)),
            ToolDefinition(
                name: "dup", description: "d", parameters: ["type": "object"],
                implementation: .webhook(.init(url: "ftp://example.com/x", timeout: 0))),
        ]
        let problems = ToolRegistry.problems(in: bad).map(\.description)
        #expect(problems.contains("tool has space: name must be 1-64 letters, digits, _ or -"))
        #expect(problems.contains("tool dup: declared twice"))
        #expect(problems.contains("tool dup: description is empty (the model needs it)"))
        #expect(problems.contains(#"tool dup: parameters/type: tool parameters must be of type "object""#))
        #expect(problems.contains { $0.contains("must use http or https") })
        #expect(problems.contains("tool dup: timeout must be between 0 and 60 seconds"))
        #expect(throws: ToolRegistry.Problem.self) { try ToolRegistry(bad) }
    }

    @Test func redactorHidesSecretsAtAnyDepth() throws {
        let redactor = Redactor()
        let value = try JSONValue.parse(
            #"{"pin":"1234","user":{"Api-Key":"k","password":"p","name":"Ada"},"list":[{"refresh_token":"t"}],"dob":null}"#)
        #expect(
            redactor.redact(value).jsonText
                == #"{"dob":null,"list":[{"refresh_token":"[REDACTED]"}],"pin":"[REDACTED]","user":{"Api-Key":"[REDACTED]","name":"Ada","password":"[REDACTED]"}}"#)
        #expect(Redactor(sensitiveWords: [], sensitiveFragments: []).redact(["date_of_birth": "1985-12-10"]) == ["date_of_birth": "1985-12-10"])
        #expect(Redactor().redact(["date_of_birth": "1985-12-10"]) == ["date_of_birth": "[REDACTED]"])
    }
}

@Suite struct ToolRoundTripTests {
    /// The model side of a turn in wire form: the assistant message with two tool calls goes in, the tool
    /// messages come out in order, ready for the next request.
    @Test func assistantToolCallsToToolMessages() async throws {
        let assistant = try JSONValue.parse(
            #"""
            {"role":"assistant","content":null,"tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"lookup_account","arguments":"{}"}},
              {"id":"call_2","type":"function","function":{"name":"transfer_call","arguments":"{\"route\":\"support\"}"}}]}
            """#)
        let calls = ToolCall.calls(inAssistantMessage: assistant)
        #expect(calls.map(\.name) == ["lookup_account", "transfer_call"])
        #expect(calls[1].wireValue["function"]?["arguments"] == #"{"route":"support"}"#)
        let dispatcher = ToolsTestSupport.dispatcher(accounts: try ToolsTestSupport.seededAccounts())
        let outcome = await dispatcher.dispatch(calls, context: ToolsTestSupport.context())
        let messages = outcome.toolMessages
        #expect(messages.map { $0["tool_call_id"] } == ["call_1", "call_2"])
        let first = try JSONValue.parse(messages[0]["content"]?.stringValue ?? "")
        #expect(first["account"]?["name"] == "Ada Lovelace")
        #expect(outcome.action == .transfer(route: "support", target: "sip:support@127.0.0.1:5070", overflow: "sip:voicemail@127.0.0.1:5070"))
    }
}
