// ModelClient: the summary of one model request: finish reason, usage, transcript, audio id, tool calls, metrics.
public import Foundation

/// The outcome of one request.
public struct ChatReply: Sendable, Equatable {
    /// "stop", "length", "tool_calls", "content_filter", or nil when the provider sent none.
    public var finishReason: String?
    /// The model's refusal text (`refusal` in the reply), empty when it did not decline.
    public var refusal: String = ""
    public var usage: ChatUsage?
    public var transcript: String
    public var audioID: String?
    public var expiresAt: Date?
    public var toolCalls: [ChatToolCall]
    /// Samples delivered, at the output rate.
    public var audioSampleCount: Int
    public var outputSampleRate: Int
    public var metrics: RequestMetrics

    public init(
        finishReason: String? = nil, usage: ChatUsage? = nil, transcript: String = "", audioID: String? = nil,
        expiresAt: Date? = nil, toolCalls: [ChatToolCall] = [], audioSampleCount: Int = 0, outputSampleRate: Int,
        metrics: RequestMetrics
    ) {
        self.finishReason = finishReason
        self.usage = usage
        self.transcript = transcript
        self.audioID = audioID
        self.expiresAt = expiresAt
        self.toolCalls = toolCalls
        self.audioSampleCount = audioSampleCount
        self.outputSampleRate = outputSampleRate
        self.metrics = metrics
    }

    /// The reply as a conversation entry (audio id while unexpired, transcript, tool calls).
    public var assistantTurn: Conversation.AssistantTurn {
        Conversation.AssistantTurn(audioID: audioID, expiresAt: expiresAt, transcript: transcript, toolCalls: toolCalls)
    }
}
