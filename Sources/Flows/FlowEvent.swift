public import Foundation
public import SwitchboardCore

/// A point on the call's monotonic timeline (e.g. time since the call started). Every event carries one;
/// timer deadlines in actions are on the same timeline. The interpreter never reads a clock.
public typealias FlowInstant = Duration

/// Who is calling and when (given once, with `.callStarted`).
public struct CallInfo: Sendable, Equatable {
    public var callID: String
    /// The caller's number (E.164 or SIP user part).
    public var callerNumber: String
    public var callerName: String?
    /// The dialled number / SIP request URI user.
    public var calledNumber: String?
    /// Wall-clock time at `.callStarted`; `time.*` and business hours are computed from it plus elapsed time.
    public var startedAt: Date

    public init(callID: String, callerNumber: String, callerName: String? = nil, calledNumber: String? = nil, startedAt: Date) {
        self.callID = callID
        self.callerNumber = callerNumber
        self.callerName = callerName
        self.calledNumber = calledNumber
        self.startedAt = startedAt
    }
}

/// The model's answer to an `.askModel`.
public struct ModelReply: Sendable, Equatable {
    /// What the model said (text or the transcript of its audio); `nil` or empty when it only called tools.
    public var text: String?
    public var toolCalls: [ToolCall]
    /// True when the engine already played the model's own audio; the interpreter then emits no `.play`
    /// and waits for no `.playbackFinished` for it.
    public var alreadySpoken: Bool
    public init(text: String?, toolCalls: [ToolCall] = [], alreadySpoken: Bool = false) {
        self.text = text
        self.toolCalls = toolCalls
        self.alreadySpoken = alreadySpoken
    }
}

/// A finished recording (`.record`).
public struct Recording: Sendable, Equatable {
    public enum EndReason: String, Sendable, Equatable {
        case silence, terminator, maxLength = "max_length", hangup
    }
    /// Where the engine stored the audio (file path or call-log reference).
    public var reference: String
    public var durationMs: Int
    public var endedBy: EndReason
    public init(reference: String, durationMs: Int, endedBy: EndReason) {
        self.reference = reference
        self.durationMs = durationMs
        self.endedBy = endedBy
    }
}

/// Everything that can happen to a call, fed to `FlowInterpreter.handle(_:at:)`.
public enum FlowEvent: Sendable, Equatable {
    /// The call is answered; the flow starts at its `start` step.
    case callStarted(CallInfo)
    /// The prompt with this id finished playing (or was stopped by barge-in). Stale ids are ignored.
    case playbackFinished(PromptID)
    /// The caller finished a speech turn (cut by the TurnDetector). `transcript` is the recognized text
    /// when the engine has one; `nil` for an audio-only turn (the model hears the audio itself).
    case speechTurn(transcript: String?)
    /// The caller started talking (a turn opened; its `.speechTurn` follows when it ends). A gather's
    /// no-input timer and an agent's silence timer stop running while the caller talks.
    case speechStarted
    /// A DTMF digit (`0-9`, `*`, `#`, `A-D`).
    case dtmf(Character)
    /// A timer started with `.startTimer` fired. Stale timers are ignored.
    case timerFired(FlowTimerID)
    case modelReply(ModelReply)
    /// The model request failed (after the client's own retries).
    case modelFailed(reason: String)
    case toolResult(ToolResult)
    /// `.transfer` finished: `nil` reason = success (the call has left), otherwise why it failed.
    case transferResult(failure: String?)
    case recordFinished(Recording)
    /// The caller hung up. Send `.recordFinished` first if a recording was running.
    case hangUp
}
