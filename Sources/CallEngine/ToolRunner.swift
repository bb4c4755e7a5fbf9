import Flows
public import SwitchboardCore

/// What a tool knows about the call it runs in.
public struct ToolRunContext: Sendable, Equatable {
    public var callID: String
    public var callerNumber: String
    public var flow: String
    public var step: String?

    public init(callID: String, callerNumber: String, flow: String, step: String?) {
        self.callID = callID
        self.callerNumber = callerNumber
        self.flow = flow
        self.step = step
    }
}

/// The tools port. The session hands over every batch of tool calls (all calls of one model reply, or a
/// `tool` step's single call) with `run(_ calls:context:)`; `run(_ call:context:)` runs one call by itself.
public protocol ToolRunner: Sendable {
    /// Runs one tool call (arguments already parsed from the model's JSON) and returns its result.
    func run(_ call: ToolCall, context: ToolRunContext) async throws(ToolError) -> JSONValue

    /// Runs the calls of one model turn as one batch: concurrently where the runner can, with its per-turn
    /// and per-call caps applied to the batch. Returns exactly one result per call, in the calls' order;
    /// a failed call is a `.failure("code: message")` result, never a thrown error.
    func run(_ calls: [ToolCall], context: ToolRunContext) async -> [ToolResult]
}

extension ToolRunner {
    /// One call after the other, in order (enough for recorded and in-memory runners).
    public func run(_ calls: [ToolCall], context: ToolRunContext) async -> [ToolResult] {
        var results: [ToolResult] = []
        results.reserveCapacity(calls.count)
        for call in calls {
            do throws(ToolError) {
                results.append(ToolResult(id: call.id, outcome: .success(try await run(call, context: context))))
            } catch {
                results.append(ToolResult(id: call.id, error: error))
            }
        }
        return results
    }
}
