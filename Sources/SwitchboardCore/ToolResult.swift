// SwitchboardCore: the answer to one `ToolCall`, as the tools dispatcher returns it, the call engine feeds it to
// the flow and the model reads it (`{"role":"tool","tool_call_id","content"}`). Failures are results too, so the
// model can recover.

public struct ToolResult: Sendable, Hashable {
    /// What the flow sees: the value, or a one-line failure message.
    public enum Outcome: Sendable, Hashable {
        case success(JSONValue)
        case failure(String)
    }

    /// The `ToolCall.id` this answers (`tool_call_id`).
    public var id: String
    /// The tool's name (empty when the result was made without one).
    public var name: String
    /// The result's JSON value; for an error result `{"error": message, …}`.
    public var value: JSONValue
    /// True when `value` is an error result.
    public var isError: Bool
    /// What the call engine must do (transfer, hang up), if anything.
    public var action: ToolAction?

    public init(id: String, name: String = "", value: JSONValue, isError: Bool = false, action: ToolAction? = nil) {
        self.id = id
        self.name = name
        self.value = value
        self.isError = isError
        self.action = action
    }

    /// A result from the flow's point of view: a failure becomes the error value `{"error": message}`.
    public init(id: String, name: String = "", outcome: Outcome) {
        switch outcome {
        case .success(let value): self.init(id: id, name: name, value: value)
        case .failure(let message): self.init(id: id, name: name, value: ["error": .string(message)], isError: true)
        }
    }

    /// A failed call's result: `"code: message"`, as the model and the flow see it.
    public init(id: String, name: String = "", error: ToolError) {
        self.init(id: id, name: name, outcome: .failure("\(error.code): \(error.message)"))
    }

    /// An error result the model sees: `{"error": message, "retryable": retryable}`.
    public static func error(_ message: String, retryable: Bool = false, for call: ToolCall) -> ToolResult {
        ToolResult(
            id: call.id, name: call.name, value: ["error": .string(message), "retryable": .bool(retryable)],
            isError: true)
    }

    /// The value, or the failure's message (`value.error`, else the value's JSON text).
    public var outcome: Outcome {
        guard isError else { return .success(value) }
        return .failure(value["error"]?.stringValue ?? value.jsonText)
    }

    /// The error message when this is an error result.
    public var errorMessage: String? {
        guard case .failure(let message) = outcome else { return nil }
        return message
    }

    /// The `content` string of the tool message.
    public var content: String { value.jsonText }

    /// The whole tool message for the chat request:
    /// `{"role":"tool","tool_call_id": ID, "content": "<JSON string>"}`.
    public var toolMessage: JSONValue {
        ["role": "tool", "tool_call_id": .string(id), "content": .string(content)]
    }
}
