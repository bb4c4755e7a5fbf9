// SwitchboardCore: the value types every module hands to the call log's `CallLogSink`. They carry plain values only; the writer assigns
// per-call sequence numbers (one counter shared by events, turns, tool calls and model requests, so the whole
// timeline of a call sorts by `seq`), redacts JSON and prices model requests.
public import Foundation

public enum CallLogRecord: Sendable {
    case started(CallStarted)
    case event(CallEvent)
    case turn(TurnRecord)
    /// The transcript of a caller turn already written (made after the turn, off the call's critical path).
    case callerTranscript(CallerTranscriptRecord)
    case toolCall(ToolCallRecord)
    case modelRequest(ModelRequestRecord)
    case ended(CallEnded)

    public var callID: String {
        switch self {
        case .started(let record): record.callID
        case .event(let record): record.callID
        case .turn(let record): record.callID
        case .callerTranscript(let record): record.callID
        case .toolCall(let record): record.callID
        case .modelRequest(let record): record.callID
        case .ended(let record): record.callID
        }
    }
}

public struct CallStarted: Sendable, Hashable {
    /// A fresh call id: a lower-case UUID. Any unique string works (`calls.id` is TEXT).
    public static func newCallID() -> String { UUID().uuidString.lowercased() }

    public var callID: String
    public var at: Date
    public var caller: String
    public var callee: String
    /// Which transport carried the call: `sip`, `audiosocket`, `websocket`, `replay`, …
    public var bridge: String
    public var flow: String
    public var flowVersion: String
    /// Caller audio recording is opt-in (per flow); the path can also be set later in `CallEnded`.
    public var recordCallerAudio: Bool
    public var recordingPath: String?
    /// `inbound` (answered by Switchboard) or `outbound` (placed by Switchboard).
    public var direction: String

    public init(
        callID: String = CallStarted.newCallID(), at: Date, caller: String, callee: String, bridge: String, flow: String,
        flowVersion: String = "", recordCallerAudio: Bool = false, recordingPath: String? = nil, direction: String = "inbound"
    ) {
        self.direction = direction
        self.callID = callID
        self.at = at
        self.caller = caller
        self.callee = callee
        self.bridge = bridge
        self.flow = flow
        self.flowVersion = flowVersion
        self.recordCallerAudio = recordCallerAudio
        self.recordingPath = recordingPath
    }
}

public struct CallEvent: Sendable, Hashable {
    public var callID: String
    public var at: Date
    public var kind: CallEventKind
    /// Free-form details, e.g. `["step": "greeting"]`, `["digit": "5"]`. Redacted before writing.
    public var data: JSONValue

    public init(callID: String, at: Date, kind: CallEventKind, data: JSONValue = [:]) {
        self.callID = callID
        self.at = at
        self.kind = kind
        self.data = data
    }
}

public struct TurnRecord: Sendable, Hashable {
    public var callID: String
    public var role: TurnRole
    public var transcript: String
    public var audioMs: Int
    public var startedAt: Date
    /// End of the caller's speech → first bot audio out (bot turns); nil when not measured.
    public var latencyMs: Int?

    public init(
        callID: String, role: TurnRole, transcript: String, audioMs: Int, startedAt: Date, latencyMs: Int? = nil
    ) {
        self.callID = callID
        self.role = role
        self.transcript = transcript
        self.audioMs = audioMs
        self.startedAt = startedAt
        self.latencyMs = latencyMs
    }
}

/// One executed tool call, as the call log's `tool_calls` table stores it. Arguments and result are redacted.
public struct ToolCallRecord: Sendable, Hashable, Codable {
    /// The call (call log `calls.id`).
    public var callID: String
    /// The model's tool call id (empty when not known).
    public var toolCallID: String
    public var tool: String
    /// The arguments with secrets replaced (arguments that were not JSON: a placeholder string).
    public var arguments: JSONValue
    /// The result with secrets replaced.
    public var result: JSONValue?
    /// The error message when the call failed (also in `result`).
    public var error: String?
    public var durationMs: Int
    public var startedAt: Date
    /// Webhook attempts made (0 for built-ins and calls refused before running).
    public var attempts: Int

    public init(
        callID: String, toolCallID: String = "", tool: String, arguments: JSONValue, result: JSONValue?,
        error: String? = nil, durationMs: Int, startedAt: Date, attempts: Int = 0
    ) {
        self.callID = callID
        self.toolCallID = toolCallID
        self.tool = tool
        self.arguments = arguments
        self.result = result
        self.error = error
        self.durationMs = durationMs
        self.startedAt = startedAt
        self.attempts = attempts
    }
}

/// Sets the transcript of the call's caller turn number `turn` (0-based, in the order caller turns were written).
public struct CallerTranscriptRecord: Sendable, Hashable {
    public var callID: String
    public var turn: Int
    public var transcript: String

    public init(callID: String, turn: Int, transcript: String) {
        self.callID = callID
        self.turn = turn
        self.transcript = transcript
    }
}

/// One model request; also, with its `seq`, the call log query's row (`CallLog.ModelRequestRow`).
public struct ModelRequestRecord: Sendable, Hashable, Codable {
    public var callID: String
    public var provider: String
    public var model: String
    /// `ok`, `error`, `timeout`, `cancelled`, or an HTTP status such as `429`.
    public var status: String
    public var startedAt: Date
    public var ttfbMs: Int?
    public var ttfaMs: Int?
    public var durationMs: Int
    public var textInTokens: Int
    public var textOutTokens: Int
    public var audioInTokens: Int
    public var audioOutTokens: Int
    /// nil: the writer prices the request from its `PriceTable`.
    public var costUSD: Double?
    public var error: String?

    public init(
        callID: String, provider: String, model: String, status: String, startedAt: Date, ttfbMs: Int? = nil,
        ttfaMs: Int? = nil, durationMs: Int, textInTokens: Int = 0, textOutTokens: Int = 0, audioInTokens: Int = 0,
        audioOutTokens: Int = 0, costUSD: Double? = nil, error: String? = nil
    ) {
        self.callID = callID
        self.provider = provider
        self.model = model
        self.status = status
        self.startedAt = startedAt
        self.ttfbMs = ttfbMs
        self.ttfaMs = ttfaMs
        self.durationMs = durationMs
        self.textInTokens = textInTokens
        self.textOutTokens = textOutTokens
        self.audioInTokens = audioInTokens
        self.audioOutTokens = audioOutTokens
        self.costUSD = costUSD
        self.error = error
    }
}

public struct CallEnded: Sendable, Hashable {
    public var callID: String
    public var at: Date
    public var reason: CallEndReason
    /// Where the call went last: a route name (`billing`), a SIP URI, or nil.
    public var finalRoute: String?
    public var recordingPath: String?
    /// The final SIP status of an outbound call's INVITE (486 busy, 480 …), when there is one.
    public var sipStatus: Int?

    public init(
        callID: String, at: Date, reason: CallEndReason, finalRoute: String? = nil, recordingPath: String? = nil,
        sipStatus: Int? = nil
    ) {
        self.sipStatus = sipStatus
        self.callID = callID
        self.at = at
        self.reason = reason
        self.finalRoute = finalRoute
        self.recordingPath = recordingPath
    }
}
