/// A declared tool: what the model is told (name, description, JSON-Schema parameters) and how it runs.
public import SwitchboardCore

public struct ToolDefinition: Sendable, Hashable {
    public enum Implementation: Sendable, Hashable {
        case builtin(BuiltinTool)
        case webhook(WebhookConfiguration)
    }

    public var name: String
    public var description: String
    /// The parameters schema, exactly what goes into the request's `tools[i].function.parameters`.
    public var parameters: JSONValue
    public var implementation: Implementation

    public init(name: String, description: String, parameters: JSONValue, implementation: Implementation) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.implementation = implementation
    }

    /// A built-in with its standard description and parameters. `routes` fills `transfer_call`'s route enum.
    public static func builtin(_ tool: BuiltinTool, routes: [String] = RoutingTable.demo.routeNames) -> ToolDefinition {
        ToolDefinition(
            name: tool.rawValue, description: tool.defaultDescription, parameters: tool.defaultParameters(routes: routes),
            implementation: .builtin(tool))
    }

    /// The entry of the chat request's `tools` array:
    /// `{"type":"function","function":{"name","description","parameters"}}`.
    public var openAITool: JSONValue {
        [
            "type": "function",
            "function": [
                "name": .string(name), "description": .string(description), "parameters": parameters,
            ],
        ]
    }

    /// OpenAI's rule for function names: 1–64 of `a-z A-Z 0-9 _ -`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.unicodeScalars.count)
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == "-"
            }
    }
}
