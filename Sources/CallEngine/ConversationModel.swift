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
public struct ModelTurnRequest: Sendable, Equatable {
    public var callID: String
    public var step: String
    public var instructions: String
    public var voice: String?
    public var model: String?
    public var language: String?
    public var tools: [ToolDeclaration]
    /// The conversation so far; the newest input (caller turn or tool results) is last.
    public var history: [ConversationItem]
    /// The rate at which `ModelEvent.audio` must be delivered (the call's rate).
    public var outputSampleRate: Int

    public init(
        callID: String, step: String, instructions: String, voice: String? = nil, model: String? = nil,
        language: String? = nil, tools: [ToolDeclaration] = [], history: [ConversationItem], outputSampleRate: Int
    ) {
        self.callID = callID
        self.step = step
        self.instructions = instructions
        self.voice = voice
        self.model = model
        self.language = language
        self.tools = tools
        self.history = history
        self.outputSampleRate = outputSampleRate
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

/// A failed model request, after the client's own retries.
public struct ModelFailure: Error, Sendable, Equatable {
    /// Opaque code (`http_500`, `timeout`, `rate_limited`, …).
    public var code: String
    /// A message a person can act on (never contains secrets).
    public var message: String
    public var retryable: Bool

    public init(code: String, message: String, retryable: Bool = false) {
        self.code = code
        self.message = message
        self.retryable = retryable
    }
}

/// The model port: a streaming audio chat model. The stream ends after `.finished`, or throws (preferably a
/// `ModelFailure`). Cancelling the consuming task (barge-in, hang-up) terminates the stream; implementations
/// abort the request in their `onTermination`.
public protocol ConversationModel: Sendable {
    func respond(to request: ModelTurnRequest) -> AsyncThrowingStream<ModelEvent, any Error>
}
