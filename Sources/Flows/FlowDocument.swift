/// A position in a flow file (1-based line and column, columns counted in Unicode scalars).
public import SwitchboardCore

public struct SourcePosition: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// One loaded, validated call flow. Produced by `FlowLoader`; run by `FlowInterpreter`.
public struct Flow: Sendable, Equatable {
    public var name: String
    public var version: String?
    public var description: String?
    public var defaults: FlowDefaults
    /// Declared tools by name (`tools:`), in file order in `toolOrder`.
    public var tools: [String: ToolDeclaration]
    public var toolOrder: [String]
    /// Named transfer targets (`routes:`).
    public var routes: [String: Route]
    /// Named business-hours tables (`hours:`).
    public var hours: [String: BusinessHours]
    /// Initial variables (`vars:`).
    public var vars: [String: JSONValue]
    public var start: String
    public var steps: [String: Step]
    /// Step run when a model or tool fails and the failing step has no `on_error` of its own.
    public var onError: String?
    /// Step run after the caller hangs up (only non-audio steps run there: set, switch, goto, tool).
    public var onHangup: String?
    /// What of the call is written to disk (`recording:`); off unless the flow opts in.
    public var recording: FlowRecording = .none
    /// `barge_in:`; nil: the engine's defaults (on).
    public var bargeIn: FlowBargeIn? = nil
}

/// `recording:` of a flow: whether the caller's audio is recorded to a WAV file.
public enum FlowRecording: String, Sendable, Equatable, CaseIterable {
    /// Nothing is recorded (the default).
    case none
    /// The caller's audio, as the call received it, goes to `<call_log.recordings_dir>/<call id>.wav`.
    case callerAudio = "caller_audio"
    /// Both sides in one stereo WAV at the same path: the caller left, what Switchboard played right.
    case twoSided = "two_sided"
}

/// `defaults:` of a flow.
public struct FlowDefaults: Sendable, Equatable {
    public var voice: String?
    public var model: String?
    public var language: String?
    /// Speech synthesizer: `espeak` (embedded, offline) or `model` (the provider's `/v1/audio/speech`).
    public var tts: String
    /// IANA time zone of `time.*` in expressions (business hours carry their own).
    public var timezone: String
    public var timeouts: FlowTimeouts
}

/// `defaults.timeouts:` in milliseconds.
public struct FlowTimeouts: Sendable, Equatable {
    /// Waiting for the first digit or for speech in `gather`.
    public var noInputMs: Int = 5_000
    /// Between two digits in `gather`.
    public var interDigitMs: Int = 3_000
    /// Caller silence in an `agent` step before the model is nudged.
    public var silenceMs: Int = 8_000
    /// Silence that ends a `record`.
    public var recordSilenceMs: Int = 5_000
    public init() {}
}

/// A tool declared in `tools:`; `parameters` is the JSON Schema sent to the model as is.
public struct ToolDeclaration: Sendable, Equatable {
    public var name: String
    public var description: String
    public var parameters: JSONValue
    public var implementation: ToolImplementation
}

public enum ToolImplementation: Sendable, Equatable {
    case builtin(BuiltinTool)
    case webhook(WebhookTool)
}

public struct WebhookTool: Sendable, Equatable {
    public var url: String
    /// Name of the environment variable holding the HMAC secret (never the secret itself).
    public var secretEnv: String?
    public var timeoutMs: Int
}

/// A named transfer target (`routes:`).
public struct Route: Sendable, Equatable {
    public var name: String
    public var uri: String
    /// Name of a `hours:` table; outside those hours the `overflow` route is used.
    public var hours: String?
    /// Route used when this one is closed or the transfer fails.
    public var overflow: String?
}
