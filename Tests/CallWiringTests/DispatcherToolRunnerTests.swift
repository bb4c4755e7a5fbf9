import CallEngine
import CallWiring
import Flows
import Foundation
import Synchronization
import SwitchboardTestKit
import Testing
import Tools
import SwitchboardCore

/// `DispatcherToolRunner` runs a model turn's calls as one `ToolDispatcher.dispatch` (per-turn and per-call caps,
/// order kept); `forFlow` builds the flow's tools with the built-in fallbacks. Real SQLite accounts.
@Suite struct DispatcherToolRunnerTests {
    static let csv = """
        account_number,phone,name,pin,date_of_birth,balance,plan,status
        100001,+15550100001,Ada Lovelace,4821,1985-12-10,142.50,Unlimited Plus,active

        """

    static let yaml = """
        name: wiring-test
        routes:
          human: sip:agents@pbx.example.com
        tools:
          lookup_account:
            description: Look up the caller's account.
            builtin: lookup_account
          transfer_call:
            description: Transfer the caller.
            builtin: transfer_call
            parameters:
              type: object
              properties:
                route: {type: string, enum: [human]}
              required: [route]
          end_call:
            description: ""
            builtin: end_call
            parameters: {type: object}
        start: assistant
        steps:
          assistant:
            agent:
              instructions: "Help the caller."
              tools: [lookup_account, transfer_call, end_call]
              max_turns: 5
            exits:
              end_call: bye
              transfer_call: human
          human: {transfer: human}
          bye: {hangup: done}
        """

    static let caller = "+15550100001"
    static let context = ToolRunContext(callID: "call-w", callerNumber: caller, flow: "wiring-test", step: "assistant")

    /// The dispatcher's tool_calls records, as a call log would get them.
    final class Records: Sendable {
        private let state = Mutex<[ToolCallRecord]>([])
        func append(_ record: ToolCallRecord) { state.withLock { $0.append(record) } }
        var all: [ToolCallRecord] { state.withLock { $0 } }
    }

    /// A temp folder with a seeded accounts database and the flow.
    struct Setup {
        let dir: TemporaryDirectory
        let accounts: AccountsDatabase
        let flow: Flow

        init() throws {
            dir = try TemporaryDirectory(prefix: "wiring")
            let path = dir.file("accounts.sqlite")
            _ = try AccountsDatabase.seed(csv: DispatcherToolRunnerTests.csv, into: path)
            accounts = try AccountsDatabase(path: path)
            flow = try FlowLoader.loadValid(data: Data(DispatcherToolRunnerTests.yaml.utf8), file: "wiring.yaml")
        }

        func runner(limits: ToolDispatcher.Limits, records: Records? = nil) -> DispatcherToolRunner {
            let dispatcher = ToolDispatcher.forFlow(flow, accounts: accounts, webhooks: nil, limits: limits)
            return DispatcherToolRunner(
                dispatcher: dispatcher, callID: "call-w", callerNumber: DispatcherToolRunnerTests.caller,
                onRecord: { record in records?.append(record) })
        }
    }

    static func lookups(_ ids: [String]) -> [ToolCall] {
        ids.map { ToolCall(id: $0, name: "lookup_account", arguments: .object([:])) }
    }

    static func failure(_ result: ToolResult) -> String? {
        if case .failure(let message) = result.outcome { return message } else { return nil }
    }

    @Test func oneBatchIsOneTurnForThePerTurnCap() async throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        let records = Records()
        let runner = setup.runner(limits: .init(maxCallsPerTurn: 2, maxCallsPerCall: 30), records: records)
        let results = await runner.run(Self.lookups(["a", "b", "c", "d"]), context: Self.context)

        #expect(results.map(\.id) == ["a", "b", "c", "d"])
        for result in results.prefix(2) {
            guard case .success(let value) = result.outcome, case .object(let fields) = value else {
                Issue.record("expected a found account, got \(result.outcome)")
                continue
            }
            #expect(fields["found"] == .bool(true))
        }
        #expect(results.suffix(2).allSatisfy { Self.failure($0)?.contains("too many tool calls in one turn") == true })
        let logged = records.all
        #expect(logged.map(\.toolCallID) == ["a", "b", "c", "d"], "one tool_calls record per call, in order")
        #expect(logged.allSatisfy { $0.durationMs >= 0 })
        #expect(logged.map { $0.error == nil } == [true, true, false, false])
        #expect(await runner.context.toolCallsSoFar == 4)
    }

    @Test func perCallCapCountsEveryBatch() async throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        let runner = setup.runner(limits: .init(maxCallsPerTurn: 5, maxCallsPerCall: 3))
        let first = await runner.run(Self.lookups(["a", "b"]), context: Self.context)
        #expect(first.allSatisfy { Self.failure($0) == nil })
        let second = await runner.run(Self.lookups(["c", "d"]), context: Self.context)
        #expect(Self.failure(second[0]) == nil)
        #expect(Self.failure(second[1])?.contains("tool call limit for this call reached") == true)
    }

    @Test func modelAskingForTooManyToolsGetsErrorResultsInOrder() async throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        let clock = VirtualClock()
        let transport = InMemoryMediaTransport(sampleRate: 8000)
        let log = CollectingCallEventSink()
        let model = ScriptedConversationModel(clock: clock, replies: [
            .init(toolCalls: Self.lookups(["l1", "l2", "l3"])),
            .init(toolCalls: Self.lookups(["l4", "l5", "l6"])),
            .init(toolCalls: [ToolCall(id: "bye", name: "end_call", arguments: .object([:]))]),
        ])
        let runner = setup.runner(limits: .init(maxCallsPerTurn: 2, maxCallsPerCall: 4))
        let session = CallSession(
            info: CallInfo(callID: "call-w", callerNumber: Self.caller, startedAt: Date(timeIntervalSince1970: 1_790_000_000)),
            flow: setup.flow, media: transport, sampleRate: 8000,
            dependencies: CallDependencies(
                model: model, tools: runner, synthesizer: CachingSpeechSynthesizer(base: EspeakSynthesizer()), log: log),
            clock: clock)
        _ = await VirtualCallRunner.run(session, caller: transport, outbound: transport.outbound, clock: clock, maxDurationMs: 10_000)

        #expect(await session.outcome == .hungUp(reason: "done"))
        let requests = model.requests
        try #require(requests.count == 3)
        func toolResults(_ request: ModelTurnRequest) -> [(String, String)] {
            request.history.compactMap { item in
                if case .toolResult(let id, let content) = item { return (id, content) } else { return nil }
            }
        }
        let turn1 = toolResults(requests[1])
        #expect(turn1.map(\.0) == ["l1", "l2", "l3"])
        #expect(turn1[0].1.contains("Ada Lovelace"))
        #expect(turn1[2].1.contains("too many tool calls in one turn"))
        let turn2 = toolResults(requests[2]).suffix(3)
        #expect(turn2.map(\.0) == ["l4", "l5", "l6"])
        #expect(turn2.first?.1.contains("Ada Lovelace") == true, "call 4 of the call is still allowed")
        #expect(turn2.dropFirst().allSatisfy { $0.1.contains("tool call limit for this call reached") })
        let toolEvents = log.events.filter { if case .toolCall = $0 { return true } else { return false } }
        #expect(toolEvents.count == 6, "every call is logged")
    }

    @Test func forFlowFallsBackToTheStandardBuiltinDefinition() async throws {
        let setup = try Setup()
        defer { setup.dir.remove() }
        let registry = ToolDispatcher.forFlow(setup.flow, accounts: nil, webhooks: nil).registry
        #expect(registry.names == ["lookup_account", "transfer_call", "end_call"])
        #expect(ToolRegistry.problems(in: registry.definitions).isEmpty)

        let endCall = try #require(registry.definition(named: "end_call"))
        #expect(endCall.description == BuiltinTool.endCall.defaultDescription, "empty description → standard one")
        #expect(endCall.parameters == BuiltinTool.endCall.defaultParameters(routes: ["human"]), "no properties → standard schema")

        let transfer = try #require(registry.definition(named: "transfer_call"))
        #expect(transfer.description == "Transfer the caller.")
        #expect(transfer.parameters["properties"]?["route"]?["enum"] == ["human"], "declared schema kept")

        let lookup = try #require(registry.definition(named: "lookup_account"))
        #expect(lookup.parameters["properties"]?["account_number"] != nil, "the schema the model was shown is kept")

        // The standard end_call schema allows no other properties: the fallback is what arguments are checked against.
        let runner = setup.runner(limits: .init())
        let results = await runner.run(
            [ToolCall(id: "e", name: "end_call", arguments: .object(["bogus": .number(1)]))], context: Self.context)
        #expect(Self.failure(results[0])?.contains("do not match the schema") == true)
    }
}
