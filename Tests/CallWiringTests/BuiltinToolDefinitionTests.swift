import CallEngine
import CallWiring
import Flows
import Foundation
import SwitchboardTestKit
import Testing
import Tools
import SwitchboardCore

/// The one `BuiltinTool` definition (SwitchboardCore) is what a flow shows the model and what the dispatcher
/// checks the arguments against.
@Suite struct BuiltinToolDefinitionTests {
    static let routeSets: [[String]] = [[], ["human"], ["billing", "human", "support"]]

    @Test func standardSchemasPassToolsOwnSchemaCheck() {
        for tool in BuiltinTool.allCases {
            for routes in Self.routeSets {
                let definition = ToolDefinition.builtin(tool, routes: routes)
                #expect(ToolRegistry.problems(in: [definition]).isEmpty, "\(tool.rawValue) routes \(routes)")
            }
        }
    }

    static let yaml = """
        name: parity
        routes:
          support: sip:support@pbx.example.com
          billing: sip:billing@pbx.example.com
          human: sip:agents@pbx.example.com
        tools:
          lookup_account: {builtin: lookup_account}
          verify_caller: {builtin: verify_caller}
          transfer_call: {builtin: transfer_call}
          end_call: {builtin: end_call}
          send_dtmf: {builtin: send_dtmf}
        start: assistant
        steps:
          assistant:
            agent:
              instructions: "Help the caller."
              tools: [lookup_account, verify_caller, transfer_call, end_call, send_dtmf]
        """

    /// A flow that names built-ins without `description:` or `parameters:` shows the model exactly Tools'
    /// standard definitions, and the dispatcher's registry holds the same.
    @Test func aFlowsUndeclaredBuiltinsAreToolsStandardDefinitions() throws {
        let flow = try FlowLoader.loadValid(data: Data(Self.yaml.utf8), file: "parity.yaml")
        let routes = RoutingTable.forFlow(flow).routeNames
        #expect(routes == ["billing", "human", "support"])
        let registry = ToolRegistry.forFlow(flow, routes: routes)
        for tool in BuiltinTool.allCases {
            let standard = ToolDefinition.builtin(tool, routes: routes)
            let declared = try #require(flow.tools[tool.rawValue])
            #expect(declared.description == standard.description, "\(tool.rawValue) description")
            #expect(declared.parameters == standard.parameters, "\(tool.rawValue) parameters")
            #expect(registry.definition(named: tool.rawValue) == standard, "\(tool.rawValue) in the dispatcher")
        }
    }

    /// The bug this guards against: the model, shown the schema, sends a date of birth; it must verify.
    @Test func dateOfBirthFromTheShownSchemaVerifies() async throws {
        let dir = try TemporaryDirectory(prefix: "parity")
        defer { dir.remove() }
        let path = dir.file("accounts.sqlite")
        _ = try AccountsDatabase.seed(csv: DispatcherToolRunnerTests.csv, into: path)
        let accounts = try AccountsDatabase(path: path)
        let flow = try FlowLoader.loadValid(data: Data(Self.yaml.utf8), file: "parity.yaml")
        let shown = try #require(flow.tools["verify_caller"]?.parameters["properties"])
        #expect(shown["date_of_birth"] != nil && shown["pin"] != nil)

        let runner = DispatcherToolRunner(
            dispatcher: ToolDispatcher.forFlow(flow, accounts: accounts, webhooks: nil),
            callID: "call-p", callerNumber: DispatcherToolRunnerTests.caller)
        let context = ToolRunContext(callID: "call-p", callerNumber: DispatcherToolRunnerTests.caller, flow: "parity", step: "assistant")
        let results = await runner.run(
            [ToolCall(id: "v", name: "verify_caller", arguments: .object(["date_of_birth": .string("1985-12-10")]))],
            context: context)
        guard case .success(let value)? = results.first?.outcome else {
            Issue.record("verify_caller failed: \(String(describing: results.first?.outcome))")
            return
        }
        #expect(value["verified"] == .bool(true))
        #expect(await runner.context.verified)
    }
}
