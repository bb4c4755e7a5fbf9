/// Identifies one `.play`; echoed back in `.playbackFinished`.
public import SwitchboardCore

public typealias PromptID = Int

/// A prompt to play.
public struct Prompt: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// Text to synthesize (templates already rendered).
        case text(String)
        /// A prompt audio file, path as written in the flow (relative to the flow file).
        case audio(String)
        /// A short beep (before `record`).
        case beep
    }
    public var id: PromptID
    public var content: Content
    /// Whether caller speech or DTMF may cut it (barge-in).
    public var interruptible: Bool
    public var voice: String?
    public var language: String?
    /// `espeak` or `model` (flow `defaults.tts`).
    public var tts: String
}

/// What the engine should listen for.
public struct ListenConfig: Sendable, Equatable {
    public struct DTMF: Sendable, Equatable {
        public var maxDigits: Int
        public var terminator: Character?
    }
    public var dtmf: DTMF?
    public var speech: Bool
}

/// A timer the interpreter asked for; `generation` makes stale timers harmless.
public struct FlowTimerID: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, Equatable, Hashable {
        case noInput = "no_input", interDigit = "inter_digit", silence
    }
    public var kind: Kind
    public var generation: Int
    public init(kind: Kind, generation: Int) {
        self.kind = kind
        self.generation = generation
    }
}

/// What the model is asked to do now.
public enum ModelTrigger: Sendable, Equatable {
    /// The agent step began and has no greeting: the model speaks first.
    case start
    /// The caller finished a turn (`transcript` when known; otherwise the engine sends the turn's audio).
    case callerTurn(transcript: String?)
    /// Results of the tool calls of the model's last reply, in call order.
    case toolResults([ToolResult])
    /// The caller stayed silent for the step's silence timeout (the model may ask if they are still there).
    case callerSilent
}

/// An `.askModel` request: the agent step's configuration plus what triggered it.
/// The engine keeps the conversation history of the agent step: it starts a fresh history when
/// `isNewConversation` is true (the first request after entering the step), appends the trigger (the caller's
/// turn, the tool results, or a silence nudge) and sends the whole conversation with `instructions` as the
/// system message and `tools` as the request's tools.
@dynamicMemberLookup
public struct ModelRequest: Sendable, Equatable {
    public var settings: AgentModelSettings
    public var trigger: ModelTrigger
    /// Model replies so far in this step.
    public var turn: Int
    /// True for the first request after entering the step: start a fresh history.
    public var isNewConversation: Bool

    /// The settings read through (`request.step`, `request.tools`).
    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<AgentModelSettings, Value>) -> Value {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }
}

/// A structured log line for the call log.
public struct FlowLogEvent: Sendable, Equatable {
    public var kind: String
    public var step: String?
    public var detail: String
    public init(kind: String, step: String?, detail: String) {
        self.kind = kind
        self.step = step
        self.detail = detail
    }
}

/// Recording parameters for `.record`.
public struct RecordConfig: Sendable, Equatable {
    public var maxSeconds: Int
    public var silenceTimeoutMs: Int
    public var terminator: Character?
}

/// An attended transfer the engine carries out (`transfer:` with `mode: attended`).
public struct AttendedTransferRequest: Sendable, Equatable {
    public var uri: String
    public var route: String?
    /// The rendered whisper for the target (nil: none).
    public var whisper: String?
    /// How long the target's leg may ring (ms) before it is cancelled.
    public var answerTimeoutMs: Int

    public init(uri: String, route: String?, whisper: String?, answerTimeoutMs: Int) {
        self.uri = uri
        self.route = route
        self.whisper = whisper
        self.answerTimeoutMs = answerTimeoutMs
    }
}

/// How the flow ended.
public enum FlowOutcome: Sendable, Equatable {
    case hungUp(reason: String)
    case transferred(uri: String)
    case callerHungUp
    case failed(reason: String)
}

/// What the engine must do, returned by `FlowInterpreter.handle(_:at:)`, in order.
public enum FlowAction: Sendable, Equatable {
    case play(Prompt)
    /// Stop the current prompt (e.g. a digit arrived during an interruptible prompt).
    case stopPlayback
    /// Start (or change) listening; replaces any previous listen config.
    case listen(ListenConfig)
    case stopListening
    case startTimer(FlowTimerID, deadline: FlowInstant)
    case cancelTimer(FlowTimerID)
    case askModel(ModelRequest)
    /// Cancel a model request in flight (the step was left).
    case cancelModel
    /// Run these tool calls as one batch — all calls of one model reply, or a `tool` step's single call —
    /// concurrently where the runner can (its per-turn caps apply to the batch). Answer with one
    /// `.toolResult` per call, in any order; the interpreter gives them to the model in the calls' order.
    case callTools([ToolCall])
    /// Transfer the call (SIP REFER or the bridge's transfer); answer with `.transferResult`.
    case transfer(uri: String, route: String?)
    /// Attended (warm) transfer: call the target, speak `whisper` to it, then REFER with Replaces or bridge
    /// the legs; answer with `.transferResult` like `.transfer`.
    case attendedTransfer(AttendedTransferRequest)
    case hangUp(reason: String)
    case record(RecordConfig)
    /// Send DTMF digits to the other side (`send_dtmf`): `0-9 * # A-D`, `w` = a 500 ms pause. The engine
    /// sends them (RFC 4733, SIP INFO or in band) before it does the actions after this one.
    case sendDigits(String)
    case setVariable(name: String, value: JSONValue)
    case log(FlowLogEvent)
    /// The flow is over; no further actions will come. Always the last action.
    case endOfFlow(FlowOutcome)
}
