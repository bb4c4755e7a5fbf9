public import Foundation

/// One executed tool call, as the call log's `tool_calls` table stores it. Arguments and result are redacted.
public struct ToolCallRecord: Sendable, Hashable {
    /// The call (call log `calls.id`).
    public var callID: String
    /// The model's tool call id.
    public var toolCallID: String
    public var tool: String
    /// The arguments' JSON text with secrets replaced by `"[redacted]"` (or a placeholder if not JSON).
    public var arguments: String
    /// The result's JSON text with secrets replaced.
    public var result: String
    public var startedAt: Date
    /// Wall time of the execution, in seconds.
    public var duration: Double
    /// The error message when the call failed (also in `result`).
    public var error: String?
    /// Webhook attempts made (0 for built-ins and calls refused before running).
    public var attempts: Int

    public init(
        callID: String, toolCallID: String, tool: String, arguments: String, result: String, startedAt: Date,
        duration: Double, error: String?, attempts: Int = 0
    ) {
        self.callID = callID
        self.toolCallID = toolCallID
        self.tool = tool
        self.arguments = arguments
        self.result = result
        self.startedAt = startedAt
        self.duration = duration
        self.error = error
        self.attempts = attempts
    }
}
