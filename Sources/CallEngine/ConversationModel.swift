public import Flows
public import SwitchboardCore

/// One item of an agent step's conversation, oldest first.
public enum ConversationItem: Sendable, Equatable {
    /// A caller turn as WAV bytes (16-bit mono), with its transcript when one is known.
    case callerAudio(wav: [UInt8], transcript: String?)
    /// A caller turn as text (e.g. DTMF digits spelled out, or a transcript).
    case callerText(String)
    /// A model reply: its transcript and, while the provider keeps it, the id of its audio.
    case assistant(transcript: String, audioID: String?)
    /// The tool calls of a model reply.
    case toolCalls([ToolCall])
    /// A tool's result (JSON text) for the call with this id.
    case toolResult(id: String, content: String)
}

/// Everything a model turn needs: the agent step's configuration and the conversation so far.
@dynamicMemberLookup
public struct ModelTurnRequest: Sendable, Equatable {
    public var callID: String
    /// The agent step's settings, as the flow's `ModelRequest` gave them.
    public var settings: AgentModelSettings
    /// The conversation so far; the newest input (caller turn or tool results) is last.
    public var history: [ConversationItem]
    /// The rate at which `ModelEvent.audio` must be delivered (the call's rate).
    public var outputSampleRate: Int

    public init(callID: String, settings: AgentModelSettings, history: [ConversationItem], outputSampleRate: Int) {
        self.callID = callID
        self.settings = settings
        self.history = history
        self.outputSampleRate = outputSampleRate
    }

    /// The settings read through (`request.instructions`, `request.tools`).
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<AgentModelSettings, Value>) -> Value {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }
}

/// Token usage and timings of one model request.
public struct ModelUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var timeToFirstByteMs: Int?
    public var timeToFirstAudioMs: Int?
    public var totalMs: Int?
    public var costUSD: Double?

    public init(
        promptTokens: Int = 0, completionTokens: Int = 0, timeToFirstByteMs: Int? = nil,
        timeToFirstAudioMs: Int? = nil, totalMs: Int? = nil, costUSD: Double? = nil
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.timeToFirstByteMs = timeToFirstByteMs
        self.timeToFirstAudioMs = timeToFirstAudioMs
        self.totalMs = totalMs
        self.costUSD = costUSD
    }
}

/// One piece of a streamed model reply.
public enum ModelEvent: Sendable, Equatable {
    /// Reply audio, 16-bit mono PCM at the request's `outputSampleRate` (resampled once by the client).
    case audio([Int16])
    /// The provider's id for the reply audio (to reference it in later requests).
    case audioID(String)
    /// More of the reply's transcript.
    case transcriptDelta(String)
    /// A complete tool call (fragments already assembled).
    case toolCall(ToolCall)
    /// The reply is complete.
    case finished(ModelUsage)
}

/// The domain of model failures.
public enum ModelFailureDomain {}

/// A failed model request, after the client's own retries (code e.g. `http_500`, `timeout`, `rate_limited`).
public typealias ModelFailure = CodedFailure<ModelFailureDomain>

/// The model port: a streaming audio chat model. The stream ends after `.finished`, or throws (preferably a
/// `ModelFailure`). Cancelling the consuming task (barge-in, hang-up) terminates the stream; implementations
/// abort the request in their `onTermination`.
public protocol ConversationModel: Sendable {
    func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<ModelEvent, any Error>
}
