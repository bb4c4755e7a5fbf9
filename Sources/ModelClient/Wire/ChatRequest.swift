// Wire (pure, Foundation only): the body of `POST {base_url}/chat/completions`, encoded as in
// reference/openai-audio-chat.md. The max-tokens field name comes from the provider profile.
public import Foundation

/// A chat completions request body.
public struct ChatRequest: Sendable, Equatable {
    /// `audio`: the reply voice and format ("pcm16" when streaming).
    public struct AudioOutput: Sendable, Equatable, Encodable {
        public var voice: String
        public var format: String

        public init(voice: String, format: String) {
            self.voice = voice
            self.format = format
        }
    }

    public var model: String
    public var modalities: [String]
    public var audio: AudioOutput?
    public var stream: Bool
    public var includeUsage: Bool
    public var messages: [ChatMessage]
    public var tools: [ChatTool]
    public var toolChoice: ChatToolChoice?
    public var parallelToolCalls: Bool?
    public var maxCompletionTokens: Int?
    /// "max_completion_tokens" (preferred) or "max_tokens" for providers that use the older name.
    public var maxTokensField: String
    public var temperature: Double?

    public init(
        model: String,
        modalities: [String] = ["text", "audio"],
        audio: AudioOutput? = AudioOutput(voice: "alloy", format: "pcm16"),
        stream: Bool = true,
        includeUsage: Bool = true,
        messages: [ChatMessage],
        tools: [ChatTool] = [],
        toolChoice: ChatToolChoice? = nil,
        parallelToolCalls: Bool? = nil,
        maxCompletionTokens: Int? = nil,
        maxTokensField: String = "max_completion_tokens",
        temperature: Double? = nil
    ) {
        self.model = model
        self.modalities = modalities
        self.audio = audio
        self.stream = stream
        self.includeUsage = includeUsage
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.maxCompletionTokens = maxCompletionTokens
        self.maxTokensField = maxTokensField
        self.temperature = temperature
    }

    /// The JSON body. `tools`, `tool_choice` and `parallel_tool_calls` are only sent when tools are offered.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

extension ChatRequest: Encodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(model, forKey: Key("model"))
        try container.encode(modalities, forKey: Key("modalities"))
        try container.encodeIfPresent(audio, forKey: Key("audio"))
        try container.encode(stream, forKey: Key("stream"))
        if stream && includeUsage {
            try container.encode(["include_usage": true], forKey: Key("stream_options"))
        }
        try container.encode(messages, forKey: Key("messages"))
        if !tools.isEmpty {
            try container.encode(tools, forKey: Key("tools"))
            try container.encodeIfPresent(toolChoice, forKey: Key("tool_choice"))
            try container.encodeIfPresent(parallelToolCalls, forKey: Key("parallel_tool_calls"))
        }
        try container.encodeIfPresent(maxCompletionTokens, forKey: Key(maxTokensField))
        try container.encodeIfPresent(temperature, forKey: Key("temperature"))
    }
}
