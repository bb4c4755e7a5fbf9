// SwitchboardCore: one tool call, as the model asked for it (`tool_calls[i]`) or a flow's `tool` step makes it.
// The flow interpreter, the call engine, the tools dispatcher, replay and the CLI all pass this one value.

/// A tool call: its id, the tool's name and its arguments, both as the JSON text the model sent (which may be
/// invalid) and parsed.
public struct ToolCall: Sendable, Hashable {
    /// Correlates the result: the model's `tool_call_id`, or `step:<name>:<n>` for a flow's tool step.
    public var id: String
    /// `function.name`.
    public var name: String
    /// `function.arguments` as the model produced it: JSON text, which may be invalid.
    public let argumentsText: String
    /// The arguments parsed; `{}` when the text is empty, `nil` when it is not JSON.
    public let parsedArguments: JSONValue?

    /// A call made from a value (a flow's tool step, a test); its text is the value's canonical JSON text.
    public init(id: String, name: String, arguments: JSONValue) {
        self.id = id
        self.name = name
        self.argumentsText = arguments.jsonText
        self.parsedArguments = arguments
    }

    /// A call as the model sent it: `argumentsText` is kept exactly; it is parsed once here.
    public init(id: String, name: String, argumentsText: String) {
        self.id = id
        self.name = name
        self.argumentsText = argumentsText
        let isBlank = argumentsText.allSatisfy { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        self.parsedArguments = isBlank ? .object([:]) : try? JSONValue.parse(argumentsText)
    }

    /// The parsed arguments, or `{}` when the text was not JSON (the dispatcher answers such a call with an
    /// error result; see `parsedArguments`).
    public var arguments: JSONValue { parsedArguments ?? .object([:]) }

    /// The arguments as sent back to the model in the assistant message: the canonical text of the parsed
    /// value, or the text as it came when it is not JSON.
    public var canonicalArgumentsText: String { parsedArguments?.jsonText ?? argumentsText }
}
