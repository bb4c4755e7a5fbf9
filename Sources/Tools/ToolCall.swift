/// One function call the model asked for in a turn: what `tool_calls[i]` carries on the wire.
public struct ToolCall: Sendable, Hashable {
    /// The model's id for this call (`tool_calls[i].id`); the tool message answers it.
    public var id: String
    /// `function.name`.
    public var name: String
    /// `function.arguments`: a JSON text, exactly as the model produced it (it may be invalid).
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}
