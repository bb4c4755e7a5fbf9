// Wire (pure, Foundation only): function tools offered to the model and the `tool_choice` setting.
import Foundation
public import SwitchboardCore

/// A function the model may call. `parameters` is a JSON schema object (required by AI/ML API).
public struct ChatTool: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var parameters: JSONValue

    public init(name: String, description: String? = nil, parameters: JSONValue = ["type": "object", "properties": [:]]) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}

extension ChatTool: Encodable {
    private enum Keys: String, CodingKey { case type, function, name, description, parameters }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("function", forKey: .type)
        var function = container.nestedContainer(keyedBy: Keys.self, forKey: .function)
        try function.encode(name, forKey: .name)
        try function.encodeIfPresent(description, forKey: .description)
        try function.encode(parameters, forKey: .parameters)
    }
}

/// `tool_choice`: "auto", "none", "required", or one named function.
public enum ChatToolChoice: Sendable, Equatable {
    case auto, none, required
    case function(String)

    /// Reads "auto" / "none" / "required" / any other text as a function name.
    public init(_ text: String) {
        switch text {
        case "auto": self = .auto
        case "none": self = .none
        case "required": self = .required
        default: self = .function(text)
        }
    }
}

extension ChatToolChoice: Encodable {
    private enum Keys: String, CodingKey { case type, function, name }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .auto, .none, .required:
            var container = encoder.singleValueContainer()
            try container.encode(self == .auto ? "auto" : self == .none ? "none" : "required")
        case .function(let name):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("function", forKey: .type)
            var function = container.nestedContainer(keyedBy: Keys.self, forKey: .function)
            try function.encode(name, forKey: .name)
        }
    }
}
