// CallWiring: Tools' dispatcher behind CallEngine's `ToolRunner`, one runner per call so that the caller's
// verification state (set by verify_caller, read by lookup_account) lives exactly as long as the call.
public import CallEngine
public import Flows
import Foundation
public import Tools

/// Runs a call's tool calls through the dispatcher (schema checks, caps, built-ins, webhooks, redaction).
public final class DispatcherToolRunner: ToolRunner {
    public let dispatcher: ToolDispatcher
    private let state: ContextState
    /// Each dispatched call's record (arguments and results already redacted), for the call log.
    public let onRecord: @Sendable (Tools.ToolCallRecord) -> Void

    public init(
        dispatcher: ToolDispatcher, callID: String, callerNumber: String,
        onRecord: @escaping @Sendable (Tools.ToolCallRecord) -> Void = { _ in }
    ) {
        self.dispatcher = dispatcher
        self.state = ContextState(ToolCallContext(callID: callID, callerNumber: callerNumber))
        self.onRecord = onRecord
    }

    public func run(_ call: Flows.ToolCall, context: ToolRunContext) async throws(ToolError) -> Flows.JSONValue {
        let before = await state.context
        let outcome = await dispatcher.run(
            Tools.ToolCall(id: call.id, name: call.name, arguments: call.arguments.jsonText), context: before)
        await state.merge(outcome.context)
        outcome.records.forEach(onRecord)
        guard let result = outcome.results.first else {
            throw ToolError(code: "tool_no_result", message: "tool \(call.name) returned no result")
        }
        let value = Flows.JSONValue(result.value)
        if result.isError {
            let retryable = result.value["retryable"]?.boolValue ?? false
            throw ToolError(code: "tool_error", message: result.errorMessage ?? value.jsonText, retryable: retryable)
        }
        return value
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

    func merge(_ other: ToolCallContext) {
        if other.verified {
            context.verified = true
            context.verifiedAccount = other.verifiedAccount
        }
        context.failedVerifications = max(context.failedVerifications, other.failedVerifications)
        context.toolCallsSoFar += 1
    }
}
