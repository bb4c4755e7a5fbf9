import CallEngine
import Flows
import Foundation
import Synchronization
import SwitchboardTestKit
import Testing
import SwitchboardCore

/// A tools port that runs each batch concurrently (like the dispatcher) and records, per call, when it started
/// and ended on the real clock. A call sleeps for its `delay_ms` argument.
final class TimedToolRunner: ToolRunner {
    struct Span: Sendable {
        var id: String
        var start: ContinuousClock.Instant
        var end: ContinuousClock.Instant
    }

    private let state = Mutex<(spans: [Span], batches: [[String]])>(([], []))

    var spans: [Span] { state.withLock { $0.spans } }
    var batches: [[String]] { state.withLock { $0.batches } }

    func run(_ call: ToolCall, context: ToolRunContext) async throws(ToolError) -> JSONValue {
        let start = ContinuousClock.now
        var delay = 0
        if case .object(let arguments) = call.arguments, case .number(let millis)? = arguments["delay_ms"] {
            delay = Int(millis)
        }
        try? await Task.sleep(for: .milliseconds(delay))
        let span = Span(id: call.id, start: start, end: ContinuousClock.now)
        state.withLock { $0.spans.append(span) }
        if call.name == "broken" { throw ToolError(code: "boom", message: "broken tool") }
        return .object(["id": .string(call.id)])
    }

    func run(_ calls: [ToolCall], context: ToolRunContext) async -> [ToolResult] {
        state.withLock { $0.batches.append(calls.map(\.id)) }
        let results = await withTaskGroup(of: (Int, ToolResult).self) { group in
            for (index, call) in calls.enumerated() {
                group.addTask {
                    do throws(ToolError) {
                        return (index, ToolResult(id: call.id, outcome: .success(try await self.run(call, context: context))))
                    } catch {
                        return (index, ToolResult(id: call.id, error: error))
                    }
                }
            }
            var collected: [(Int, ToolResult)] = []
            for await entry in group { collected.append(entry) }
            return collected
        }
        return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

@Suite("Tool calls of one model turn run as one batch")
struct ToolBatchTests {
    typealias Reply = ScriptedConversationModel.Reply

    struct Call {
        let clock = VirtualClock()
        let transport = InMemoryMediaTransport(sampleRate: CallHarness.rate)
        let log = CollectingCallEventSink()
        let model: ScriptedConversationModel
        let session: CallSession

        init(replies: [Reply], tools: any ToolRunner) throws {
            let flow = try FlowLoader.loadValid(data: Data(CallHarness.flowYAML.utf8), file: "test-line.yaml")
            model = ScriptedConversationModel(clock: clock, replies: replies)
            session = CallSession(
                info: CallInfo(callID: "call-batch", callerNumber: "+4930123456", calledNumber: "100", startedAt: Date(timeIntervalSince1970: 1_790_000_000)),
                flow: flow, media: transport, sampleRate: CallHarness.rate,
                dependencies: CallDependencies(model: model, tools: tools, synthesizer: CallHarness.synthesizer, log: log),
                clock: clock)
            transport.callerPresses("2", atMs: 5000)
        }

        func run() async -> VirtualCallResult {
            await VirtualCallRunner.run(session, caller: transport, outbound: transport.outbound, clock: clock, maxDurationMs: 30_000)
        }

        var toolLogs: [(name: String, arguments: String, error: String?)] {
            log.events.compactMap { event in
                guard case .toolCall(let name, let arguments, _, let error, _) = event else { return nil }
                return (name, arguments, error)
            }
        }
    }

    static func lookup(_ id: String, delayMs: Int) -> ToolCall {
        ToolCall(id: id, name: "lookup_account", arguments: .object(["delay_ms": .number(Double(delayMs))]))
    }

    static let endCall = ToolCall(id: "end", name: "end_call", arguments: .object([:]))

    @Test func twoCallsOfOneTurnRunTogetherAndAnswerInCallOrder() async throws {
        let tools = TimedToolRunner()
        // The first call is the slow one, so the second finishes first.
        let replies = [
            Reply(toolCalls: [Self.lookup("slow", delayMs: 300), Self.lookup("fast", delayMs: 150)]),
            Reply(transcript: "All done.", toolCalls: [Self.endCall]),
        ]
        let call = try Call(replies: replies, tools: tools)
        _ = await call.run()

        #expect(await call.session.outcome == .hungUp(reason: "done"))
        #expect(tools.batches == [["slow", "fast"]], "one batch for the turn")
        let spans = Dictionary(uniqueKeysWithValues: tools.spans.map { ($0.id, $0) })
        let slow = try #require(spans["slow"])
        let fast = try #require(spans["fast"])
        #expect(fast.end < slow.end, "the fast call finished first")
        #expect(slow.start < fast.end && fast.start < slow.end, "the two calls overlapped in time")

        let requests = call.model.requests
        try #require(requests.count == 2)
        let answered = requests[1].history.compactMap { item -> String? in
            if case .toolResult(let id, _) = item { return id } else { return nil }
        }
        #expect(answered == ["slow", "fast"], "tool messages follow the calls' order")
        #expect(call.toolLogs.map(\.name) == ["lookup_account", "lookup_account"])
        #expect(call.toolLogs.map(\.arguments) == [Self.lookup("slow", delayMs: 300).arguments.jsonText, Self.lookup("fast", delayMs: 150).arguments.jsonText])
    }

    @Test func failedCallInABatchIsAnErrorResultInItsPlace() async throws {
        let tools = TimedToolRunner()
        let broken = ToolCall(id: "b", name: "broken", arguments: .object([:]))
        let flowWithBroken = CallHarness.flowYAML
            .replacingOccurrences(of: "tools:\n  lookup_account:", with: "tools:\n  broken:\n    description: Always fails.\n    webhook: {url: \"https://tools.example.com/broken\"}\n  lookup_account:")
            .replacingOccurrences(of: "tools: [lookup_account, transfer_call, end_call]", with: "tools: [broken, lookup_account, transfer_call, end_call]")
        #expect(flowWithBroken != CallHarness.flowYAML)
        let flow = try FlowLoader.loadValid(data: Data(flowWithBroken.utf8), file: "broken.yaml")
        let clock = VirtualClock()
        let transport = InMemoryMediaTransport(sampleRate: CallHarness.rate)
        let log = CollectingCallEventSink()
        let model = ScriptedConversationModel(clock: clock, replies: [
            Reply(toolCalls: [broken, Self.lookup("ok", delayMs: 10)]),
            Reply(transcript: "Sorry.", toolCalls: [Self.endCall]),
        ])
        let session = CallSession(
            info: CallInfo(callID: "call-broken", callerNumber: "+4930123456", startedAt: Date(timeIntervalSince1970: 1_790_000_000)),
            flow: flow, media: transport, sampleRate: CallHarness.rate,
            dependencies: CallDependencies(model: model, tools: tools, synthesizer: CallHarness.synthesizer, log: log),
            clock: clock)
        transport.callerPresses("2", atMs: 5000)
        _ = await VirtualCallRunner.run(session, caller: transport, outbound: transport.outbound, clock: clock, maxDurationMs: 30_000)

        let requests = model.requests
        try #require(requests.count == 2)
        let results = requests[1].history.compactMap { item -> (String, String)? in
            if case .toolResult(let id, let content) = item { return (id, content) } else { return nil }
        }
        #expect(results.map(\.0) == ["b", "ok"])
        #expect(results.first?.1.contains("boom: broken tool") == true)
        #expect(log.events.contains { if case .toolCall("broken", _, nil, "boom: broken tool", _) = $0 { return true } else { return false } })
    }

    @Test func exitToolWaitsForTheTurnsOtherCalls() async throws {
        let tools = TimedToolRunner()
        let replies = [Reply(transcript: "Let me note that. Goodbye.", toolCalls: [Self.endCall, Self.lookup("note", delayMs: 100)])]
        let call = try Call(replies: replies, tools: tools)
        _ = await call.run()

        #expect(await call.session.outcome == .hungUp(reason: "done"))
        #expect(tools.batches == [["note"]], "the exit tool is not run, the other call is")
        #expect(call.model.requests.count == 1, "the results do not go back to the model")
        let events = call.log.events
        let toolIndex = try #require(events.firstIndex { if case .toolCall("lookup_account", _, _, _, _) = $0 { return true } else { return false } })
        let byeIndex = try #require(events.firstIndex { $0 == .stepEntered("bye") })
        #expect(toolIndex < byeIndex, "the call finished before the step was left")
    }

    @Test func defaultBatchRunsCallsInOrderWithErrorsAsResults() async {
        let runner = InMemoryToolRunner(["lookup_account": { _ in .object(["plan": .string("basic")]) }])
        let calls = [
            ToolCall(id: "1", name: "lookup_account", arguments: .object([:])),
            ToolCall(id: "2", name: "nope", arguments: .object([:])),
            ToolCall(id: "3", name: "lookup_account", arguments: .object([:])),
        ]
        let context = ToolRunContext(callID: "c", callerNumber: "+1", flow: "f", step: nil)
        let results = await runner.run(calls, context: context)
        #expect(results.map(\.id) == ["1", "2", "3"])
        #expect(results[0].outcome == .success(.object(["plan": .string("basic")])))
        #expect(results[1].outcome == .failure("unknown_tool: no tool named nope"))
        #expect(runner.calls.map(\.id) == ["1", "2", "3"])
    }
}
