// ModelClient: what a streamed reply delivers, in order, and the summary at its end.

/// One event of a reply stream.
public enum ChatStreamEvent: Sendable, Equatable {
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
    case finished(ChatReply)
}
