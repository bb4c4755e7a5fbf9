public import SwitchboardCore

extension ToolCall {
    /// The tool calls of an assistant message as the chat completions API returns it
    /// (`{"role":"assistant","tool_calls":[{"id","type":"function","function":{"name","arguments"}}]}`), or of
    /// its bare `tool_calls` array. Entries without an id or a name are skipped; missing arguments read as `{}`.
    public static func calls(inAssistantMessage message: JSONValue) -> [ToolCall] {
        let entries = message["tool_calls"]?.arrayValue ?? message.arrayValue ?? []
        return entries.compactMap { entry in
            guard let id = entry["id"]?.stringValue, let name = entry["function"]?["name"]?.stringValue else {
                return nil
            }
            let arguments: String
            switch entry["function"]?["arguments"] {
            case .string(let text)?: arguments = text
            case let value?: arguments = value.jsonText
            case nil: arguments = "{}"
            }
            return ToolCall(id: id, name: name, argumentsText: arguments)
        }
    }

    /// This call as an entry of the assistant message's `tool_calls`.
    public var wireValue: JSONValue {
        ["id": .string(id), "type": "function", "function": ["name": .string(name), "arguments": .string(argumentsText)]]
    }
}

extension ToolDispatcher.TurnOutcome {
    /// The `tool` messages to append after the assistant message, in the calls' order.
    public var toolMessages: [JSONValue] { results.map(\.toolMessage) }
}
