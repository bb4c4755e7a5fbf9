/// A named step of a flow.
public import SwitchboardCore

public struct Step: Sendable, Equatable {
    public var name: String
    public var kind: StepKind
    /// Where the step's name appears in the file.
    public var position: SourcePosition
}

public enum StepKind: Sendable, Equatable {
    case say(SayStep)
    case gather(GatherStep)
    case agent(AgentStep)
    case set(SetStep)
    case `switch`(SwitchStep)
    case goto(String)
    case tool(ToolStep)
    case transfer(TransferStep)
    case hangup(HangupStep)
    case record(RecordStep)
    case sendDTMF(SendDTMFStep)

    /// The key that names this kind in YAML.
    public var keyword: String {
        switch self {
        case .say: return "say"
        case .gather: return "gather"
        case .agent: return "agent"
        case .set: return "set"
        case .switch: return "switch"
        case .goto: return "goto"
        case .tool: return "tool"
        case .transfer: return "transfer"
        case .hangup: return "hangup"
        case .record: return "record"
        case .sendDTMF: return "send_dtmf"
        }
    }
}

/// What is played: synthesized text or a prompt file.
public enum PromptContent: Sendable, Equatable {
    case text(Template)
    case audio(String)
}

public struct SayStep: Sendable, Equatable {
    public var content: PromptContent
    public var interruptible: Bool
    public var voice: String?
    public var next: String?
}

public struct DTMFOptions: Sendable, Equatable {
    public var maxDigits: Int
    public var terminator: Character?
    public var firstDigitTimeoutMs: Int
    public var interDigitTimeoutMs: Int
}

public struct GatherStep: Sendable, Equatable {
    public var dtmf: DTMFOptions?
    public var speech: Bool
    public var prompt: PromptContent?
    public var reprompt: PromptContent?
    public var interruptible: Bool
    public var voice: String?
    public var retries: Int
    /// Variable that receives the digits or the transcript.
    public var store: String?
    /// Digit strings → step.
    public var digits: [String: String]
    public var onSpeech: String?
    public var onNoInput: String?
    public var onNoMatch: String?
    /// Default: any input not matched by `on` goes here (and missing input once retries are used up).
    public var next: String?
}

public struct AgentStep: Sendable, Equatable {
    public var instructions: Template
    public var greeting: Template?
    public var voice: String?
    public var model: String?
    public var language: String?
    /// Names of declared tools the model may call here.
    public var tools: [String]
    public var maxTurns: Int
    public var silenceTimeoutMs: Int
    public var maxSilences: Int
    /// Tool name → step: calling that tool ends the step (its arguments go to `vars.exit_args`).
    public var toolExits: [String: String]
    public var onMaxTurns: String?
    public var onSilence: String?
    public var onError: String?
}

public struct SetStep: Sendable, Equatable {
    public var assignments: [Assignment]
    public var next: String?
}

public struct Assignment: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case literal(JSONValue)
        case template(Template)
        case expression(FlowExpression)
    }
    public var variable: String
    public var value: Value
}

public struct SwitchStep: Sendable, Equatable {
    public struct Case: Sendable, Equatable {
        public var condition: FlowExpression
        public var target: String
    }
    public var cases: [Case]
    public var defaultTarget: String?
}

public struct ToolStep: Sendable, Equatable {
    public var tool: String
    /// Arguments; string leaves are templates rendered when the step runs.
    public var args: [String: TemplatedJSON]
    public var store: String?
    public var next: String?
    public var onError: String?
}

/// A JSON value whose strings are templates.
public indirect enum TemplatedJSON: Sendable, Equatable {
    case value(JSONValue)
    case template(Template)
    case array([TemplatedJSON])
    case object([String: TemplatedJSON])
}

public enum TransferTarget: Sendable, Equatable {
    case uri(Template)
    case route(String)
}

/// How a `transfer` step hands the call over.
public enum TransferMode: String, Sendable, Equatable, CaseIterable {
    /// REFER the caller to the target (the default).
    case blind
    /// Call the target first, speak the `whisper` to it, then REFER with Replaces or bridge the two legs.
    case attended
}

public struct TransferStep: Sendable, Equatable {
    public var target: TransferTarget
    public var announcement: Template?
    public var onFailure: String?
    public var mode: TransferMode = .blind
    /// Attended only: spoken to the target once it answers, before the caller is connected.
    public var whisper: Template? = nil
    /// Attended only: how long the target's leg may ring before it is cancelled (ms).
    public var answerTimeoutMs: Int = TransferStep.defaultAnswerTimeoutMs

    public static let defaultAnswerTimeoutMs = 30_000
}

public struct HangupStep: Sendable, Equatable {
    public var reason: String
    public var goodbye: Template?
}

public struct RecordStep: Sendable, Equatable {
    public var prompt: PromptContent?
    public var maxSeconds: Int
    public var silenceTimeoutMs: Int
    public var terminator: Character?
    public var beep: Bool
    public var store: String?
    public var next: String?
}
