// Wire (pure, Foundation only): the request settings a flow step may set (model, voice, tools, limits) and
// the builder that turns settings plus a conversation into a `ChatRequest`.
public import Foundation

/// Everything about a request except its messages; settable per flow step.
public struct ChatSettings: Sendable, Equatable {
    public var model: String
    public var voice: String
    /// Reply audio format. Streaming always uses "pcm16" (the API rejects anything else with stream=true).
    public var audioFormat: String
    public var stream: Bool
    public var includeUsage: Bool
    public var tools: [ChatTool]
    public var toolChoice: ChatToolChoice?
    public var parallelToolCalls: Bool?
    public var maxCompletionTokens: Int?
    public var maxTokensField: String
    public var temperature: Double?

    public init(
        model: String, voice: String = "alloy", audioFormat: String = "pcm16", stream: Bool = true,
        includeUsage: Bool = true, tools: [ChatTool] = [], toolChoice: ChatToolChoice? = nil,
        parallelToolCalls: Bool? = nil, maxCompletionTokens: Int? = nil,
        maxTokensField: String = "max_completion_tokens", temperature: Double? = nil
    ) {
        self.model = model
        self.voice = voice
        self.audioFormat = audioFormat
        self.stream = stream
        self.includeUsage = includeUsage
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.maxCompletionTokens = maxCompletionTokens
        self.maxTokensField = maxTokensField
        self.temperature = temperature
    }

    /// The request for `messages` with these settings.
    public func request(messages: [ChatMessage]) -> ChatRequest {
        ChatRequest(
            model: model,
            audio: ChatRequest.AudioOutput(voice: voice, format: stream ? "pcm16" : audioFormat),
            stream: stream,
            includeUsage: includeUsage,
            messages: messages,
            tools: tools,
            toolChoice: tools.isEmpty ? nil : (toolChoice ?? .auto),
            parallelToolCalls: tools.isEmpty ? nil : parallelToolCalls,
            maxCompletionTokens: maxCompletionTokens,
            maxTokensField: maxTokensField,
            temperature: temperature)
    }

    /// The request for the conversation as it stands at `now` (which decides which audio ids expired).
    public func request(conversation: Conversation, now: Date) -> ChatRequest {
        request(messages: conversation.messages(now: now))
    }
}
