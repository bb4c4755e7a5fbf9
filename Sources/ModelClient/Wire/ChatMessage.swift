// Wire (pure, Foundation only): one message of a chat completions request, encoded exactly as the
// reference's request shape (system text; user content parts; assistant audio reference, text or tool calls;
// tool results).
import Foundation

/// One content part of a user message.
public enum ChatContentPart: Sendable, Equatable {
    /// A text part, e.g. "Caller pressed 2".
    case text(String)
    /// Caller audio: `data` is the base64 of the whole file, `format` is "wav" or "mp3".
    case inputAudio(data: String, format: String)
}

/// A function call the model asked for, as assembled from the stream (arguments are a JSON string).
public struct ChatToolCall: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A message in `messages`.
public enum ChatMessage: Sendable, Equatable {
    case system(String)
    case user([ChatContentPart])
    /// An earlier spoken reply, referenced by its `audio.id` while it has not expired.
    case assistantAudio(id: String)
    /// An earlier reply as text and/or the tool calls it made (`content` is null when `text` is nil).
    case assistant(text: String?, toolCalls: [ChatToolCall])
    /// The result of one tool call (`content` is a string, usually JSON).
    case tool(callID: String, content: String)

    public var role: String {
        switch self {
        case .system: "system"
        case .user: "user"
        case .assistantAudio, .assistant: "assistant"
        case .tool: "tool"
        }
    }
}

extension ChatMessage: Encodable {
    private enum Keys: String, CodingKey {
        case role, content, audio, id, toolCalls = "tool_calls", toolCallID = "tool_call_id"
        case type, text, inputAudio = "input_audio", data, format, function, name, arguments
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(role, forKey: .role)
        switch self {
        case .system(let text):
            try container.encode(text, forKey: .content)
        case .user(let parts):
            var list = container.nestedUnkeyedContainer(forKey: .content)
            for part in parts {
                var item = list.nestedContainer(keyedBy: Keys.self)
                switch part {
                case .text(let text):
                    try item.encode("text", forKey: .type)
                    try item.encode(text, forKey: .text)
                case .inputAudio(let data, let format):
                    try item.encode("input_audio", forKey: .type)
                    var audio = item.nestedContainer(keyedBy: Keys.self, forKey: .inputAudio)
                    try audio.encode(data, forKey: .data)
                    try audio.encode(format, forKey: .format)
                }
            }
        case .assistantAudio(let id):
            var audio = container.nestedContainer(keyedBy: Keys.self, forKey: .audio)
            try audio.encode(id, forKey: .id)
        case .assistant(let text, let toolCalls):
            if let text { try container.encode(text, forKey: .content) } else { try container.encodeNil(forKey: .content) }
            if !toolCalls.isEmpty {
                var list = container.nestedUnkeyedContainer(forKey: .toolCalls)
                for call in toolCalls {
                    var item = list.nestedContainer(keyedBy: Keys.self)
                    try item.encode(call.id, forKey: .id)
                    try item.encode("function", forKey: .type)
                    var function = item.nestedContainer(keyedBy: Keys.self, forKey: .function)
                    try function.encode(call.name, forKey: .name)
                    try function.encode(call.arguments, forKey: .arguments)
                }
            }
        case .tool(let callID, let content):
            try container.encode(callID, forKey: .toolCallID)
            try container.encode(content, forKey: .content)
        }
    }
}
