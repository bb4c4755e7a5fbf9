import CallEngine
import CallWiring
import Flows
import Foundation
import SwitchboardTestKit
import Testing
import Tools
import SwitchboardCore

/// A whole call (CallSession, the flow's dispatcher, espeak prompts, virtual clock) in which the model calls the
/// built-ins `transfer_call` / `end_call` that the agent lists WITHOUT `exits:`: the transport is asked to
/// transfer to the route's URI / to hang up, and the call log records no plain tool run for them.
@Suite struct BuiltinExitCallTests {
    static let yaml = """
        name: builtin-exit-call
        routes:
          billing: sip:billing@pbx.example.com
          human: sip:agents@pbx.example.com
        tools:
          lookup_account: {builtin: lookup_account}
          transfer_call: {builtin: transfer_call}
          end_call: {builtin: end_call}
        start: assistant
        steps:
          assistant:
            agent:
              instructions: "Help the caller."
              tools: [lookup_account, transfer_call, end_call]
              max_turns: 5
        """

    static func run(_ replies: [ScriptedConversationModel.Reply]) async throws
        -> (outcome: FlowOutcome?, transport: InMemoryMediaTransport, records: [ToolCallRecord], model: ScriptedConversationModel)
    {
        let flow = try FlowLoader.loadValid(data: Data(Self.yaml.utf8), file: "builtin-exit-call.yaml")
        let clock = VirtualClock()
        let transport = InMemoryMediaTransport(sampleRate: 8000)
        let model = ScriptedConversationModel(clock: clock, replies: replies)
        let records = DispatcherToolRunnerTests.Records()
        let runner = DispatcherToolRunner(
            dispatcher: ToolDispatcher.forFlow(flow, accounts: nil, webhooks: nil), callID: "call-x",
            callerNumber: DispatcherToolRunnerTests.caller, onRecord: { records.append($0) })
        let session = CallSession(
            info: CallInfo(callID: "call-x", callerNumber: DispatcherToolRunnerTests.caller, startedAt: Date(timeIntervalSince1970: 1_790_000_000)),
            flow: flow, media: transport, sampleRate: 8000,
            dependencies: CallDependencies(
                model: model, tools: runner, synthesizer: CachingSpeechSynthesizer(base: EspeakSynthesizer()),
                log: CollectingCallEventSink()),
            clock: clock)
        _ = await VirtualCallRunner.run(session, caller: transport, outbound: transport.outbound, clock: clock, maxDurationMs: 10_000)
        return (await session.outcome, transport, records.all, model)
    }

    @Test func transferCallTransfersToTheRoute() async throws {
        let (outcome, transport, records, model) = try await Self.run([
            .init(toolCalls: [ToolCall(id: "t", name: "transfer_call", arguments: .object(["route": .string("billing")]))])
        ])
        #expect(transport.transfers == ["sip:billing@pbx.example.com"])
        #expect(outcome == .transferred(uri: "sip:billing@pbx.example.com"))
        #expect(records.isEmpty, "not run as a plain tool")
        #expect(model.requests.first?.tools.map(\.name) == ["lookup_account", "transfer_call", "end_call"])
    }

    @Test func anUnknownRouteGoesBackToTheModelThenEndCallHangsUp() async throws {
        let (outcome, transport, records, model) = try await Self.run([
            .init(toolCalls: [ToolCall(id: "t", name: "transfer_call", arguments: .object(["route": .string("sales")]))]),
            .init(toolCalls: [ToolCall(id: "e", name: "end_call", arguments: .object(["goodbye": .string("Goodbye.")]))]),
        ])
        #expect(transport.transfers.isEmpty)
        #expect(transport.hangUps.count == 1)
        #expect(outcome == .hungUp(reason: "end_call"))
        #expect(records.isEmpty)
        try #require(model.requests.count == 2)
        let results = model.requests[1].history.compactMap { item -> String? in
            if case .toolResult(_, let content) = item { return content } else { return nil }
        }
        #expect(results.count == 1)
        #expect(results.first?.contains("unknown route sales") == true, "\(results)")
    }
}
