// CallWiring: Tools' dispatcher behind CallEngine's `ToolRunner`, one runner per call so that the caller's
// verification state (set by verify_caller, read by lookup_account) lives exactly as long as the call.
public import CallEngine
import Foundation
public import Tools
public import SwitchboardCore

/// Runs a call's tool calls through the dispatcher (schema checks, caps, built-ins, webhooks, redaction).
public final class DispatcherToolRunner: ToolRunner {
    public let dispatcher: ToolDispatcher
    private let state: ContextState
    /// Each dispatched call's record (arguments and results already redacted), for the call log.
    public let onRecord: @Sendable (ToolCallRecord) -> Void

    public init(
        dispatcher: ToolDispatcher, callID: String, callerNumber: String,
        onRecord: @escaping @Sendable (ToolCallRecord) -> Void = { _ in }
    ) {
        self.dispatcher = dispatcher
        self.state = ContextState(ToolCallContext(callID: callID, callerNumber: callerNumber))
        self.onRecord = onRecord
    }

    public func run(_ call: ToolCall, context: ToolRunContext) async throws(ToolError) -> JSONValue {
        let outcome = await dispatch([call])
        guard let result = outcome.results.first else {
            throw ToolError(code: "tool_no_result", message: "tool \(call.name) returned no result")
        }
        let value = result.value
        if result.isError {
            let retryable = result.value["retryable"]?.boolValue ?? false
            throw ToolError(code: "tool_error", message: result.errorMessage ?? value.jsonText, retryable: retryable)
        }
        return value
    }

    /// One model turn through `ToolDispatcher.dispatch`: the calls run concurrently, the per-turn cap applies to
    /// this batch and the per-call cap to everything the call ran so far. One result per call, in order.
    public func run(_ calls: [ToolCall], context: ToolRunContext) async -> [ToolResult] {
        guard !calls.isEmpty else { return [] }
        let outcome = await dispatch(calls)
        return calls.enumerated().map { index, call in
            guard outcome.results.indices.contains(index) else {
                return ToolResult(
                    id: call.id, error: ToolError(code: "tool_no_result", message: "tool \(call.name) returned no result"))
            }
            let result = outcome.results[index]
            let value = result.value
            guard result.isError else { return ToolResult(id: call.id, outcome: .success(value)) }
            return ToolResult(
                id: call.id, error: ToolError(code: "tool_error", message: result.errorMessage ?? value.jsonText))
        }
    }

    private func dispatch(_ calls: [ToolCall]) async -> ToolDispatcher.TurnOutcome {
        let before = await state.context
        let outcome = await dispatcher.dispatch(calls, context: before)
        await state.merge(outcome.context, calls: calls.count)
        outcome.records.forEach(onRecord)
        return outcome
    }

    /// The call's verification state now.
    public var context: ToolCallContext {
        get async { await state.context }
    }
}

/// One call's tool context; tool calls of a turn may run concurrently, so updates merge: verification is
/// never lost to a concurrent call that started before it.
actor ContextState {
    private(set) var context: ToolCallContext

    init(_ context: ToolCallContext) {
        self.context = context
    }

    /// Takes a finished batch's context; `calls` is how many calls the batch ran.
    func merge(_ other: ToolCallContext, calls: Int) {
        if other.verified {
            context.verified = true
            context.verifiedAccount = other.verifiedAccount
        }
        context.failedVerifications = max(context.failedVerifications, other.failedVerifications)
        context.toolCallsSoFar += calls
    }
}
