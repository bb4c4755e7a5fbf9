/// The declared tools of a flow (or of `tools call`), by name, in declaration order.
public import SwitchboardCore

public struct ToolRegistry: Sendable {
    /// A problem with a declaration, for `flows check` (`tool` is the tool's name, `pointer` into its schema).
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        public let tool: String
        public let message: String

        public var description: String { "tool \(tool): \(message)" }
    }

    public private(set) var definitions: [ToolDefinition] = []
    private var indexByName: [String: Int] = [:]

    public init() {}

    /// A registry of `definitions`; throws the first problem (use `problems(in:)` for all of them).
    public init(_ definitions: [ToolDefinition]) throws(Problem) {
        if let first = Self.problems(in: definitions).first { throw first }
        for definition in definitions { add(definition) }
    }

    /// The four built-ins with their standard schemas; `transfer_call` lists the routing table's routes.
    public static func builtins(routing: RoutingTable = .demo) -> ToolRegistry {
        var registry = ToolRegistry()
        for tool in BuiltinTool.allCases {
            registry.add(.builtin(tool, routes: routing.routeNames))
        }
        return registry
    }

    /// Adds or replaces a definition (no checks; see `problems(in:)`).
    public mutating func add(_ definition: ToolDefinition) {
        if let index = indexByName[definition.name] {
            definitions[index] = definition
        } else {
            indexByName[definition.name] = definitions.count
            definitions.append(definition)
        }
    }

    public func definition(named name: String) -> ToolDefinition? {
        indexByName[name].map { definitions[$0] }
    }

    public var names: [String] { definitions.map(\.name) }

    /// The chat request's `tools` array: every tool, or only `allowed` ones (a step's list), in declaration order.
    public func openAITools(allowed: Set<String>? = nil) -> [JSONValue] {
        definitions.filter { allowed?.contains($0.name) ?? true }.map(\.openAITool)
    }

    /// Every problem with a set of declarations: bad or duplicate names, invalid schemas, bad webhook settings.
    public static func problems(in definitions: [ToolDefinition], validator: JSONSchemaValidator = JSONSchemaValidator())
        -> [Problem]
    {
        var problems: [Problem] = []
        var seen = Set<String>()
        for definition in definitions {
            let name = definition.name
            if !ToolDefinition.isValidName(name) {
                problems.append(Problem(tool: name, message: "name must be 1-64 letters, digits, _ or -"))
            }
            if !seen.insert(name).inserted {
                problems.append(Problem(tool: name, message: "declared twice"))
            }
            if definition.description.trimmingWhitespace().isEmpty {
                problems.append(Problem(tool: name, message: "description is empty (the model needs it)"))
            }
            for violation in validator.checkToolParameters(definition.parameters) {
                problems.append(Problem(tool: name, message: "parameters\(violation.pointer): \(violation.message)"))
            }
            if case .webhook(let webhook) = definition.implementation {
                for problem in webhook.problems() { problems.append(Problem(tool: name, message: problem)) }
            }
        }
        return problems
    }
}
