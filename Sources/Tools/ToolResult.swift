/// The answer to one `ToolCall`: the JSON text sent back to the model as the `tool` message's `content`.
/// Failures are results too (`{"error": "...", "retryable": false}`), so the model can recover.
public import SwitchboardCore

public struct ToolResult: Sendable, Hashable {
    /// The `ToolCall.id` this answers (`tool_call_id`).
    public var toolCallID: String
    public var name: String
    /// The result's JSON value.
    public var value: JSONValue
    /// True when `value` is an error result.
    public var isError: Bool
    /// What the call engine must do (transfer, hang up), if anything.
    public var action: ToolAction?

    public init(toolCallID: String, name: String, value: JSONValue, isError: Bool = false, action: ToolAction? = nil) {
        self.toolCallID = toolCallID
        self.name = name
        self.value = value
        self.isError = isError
        self.action = action
    }

    /// The `content` string of the tool message.
    public var content: String { value.jsonText }

    /// The whole tool message for the chat request:
    /// `{"role":"tool","tool_call_id": ID, "content": "<JSON string>"}`.
    public var toolMessage: JSONValue {
        ["role": "tool", "tool_call_id": .string(toolCallID), "content": .string(content)]
    }

    /// An error result the model sees: `{"error": message, "retryable": retryable}`.
    public static func error(_ message: String, retryable: Bool = false, for call: ToolCall) -> ToolResult {
        ToolResult(
            toolCallID: call.id, name: call.name,
            value: ["error": .string(message), "retryable": .bool(retryable)], isError: true)
    }

    /// The error message when this is an error result.
    public var errorMessage: String? { isError ? (value["error"]?.stringValue ?? content) : nil }
}
