// ModelClient: what a streamed reply delivers, in order, and the summary at its end.
public import Foundation

/// One event of a reply stream.
public enum ModelEvent: Sendable, Equatable {
    /// Reply audio, already resampled to the caller's rate, as soon as it arrives.
    case audio([Int16])
    /// A fragment of the reply's transcript.
    case transcriptDelta(String)
    /// A complete tool call (fragments assembled), released when the model's turn ends.
    case toolCall(ChatToolCall)
    /// The attempt failed before any audio was delivered and will be retried after `delay`:
    /// drop any transcript collected so far.
    case retrying(attempt: Int, delay: Duration, reason: String)
    /// The turn ended: finish reason, usage and metrics, and what to keep in the conversation.
    case finished(ModelReply)
}

/// The outcome of one request.
public struct ModelReply: Sendable, Equatable {
    /// "stop", "length", "tool_calls", "content_filter", or nil when the provider sent none.
    public var finishReason: String?
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
