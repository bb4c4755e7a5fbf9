// SwitchboardCore: Open string enumerations stored in the log: end reasons, event kinds, turn roles. Each is a
// RawRepresentable struct so new values can be written without a schema change.

public struct CallEndReason: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let completed = CallEndReason("completed")
    public static let callerHangup = CallEndReason("caller_hangup")
    public static let botHangup = CallEndReason("bot_hangup")
    public static let transferred = CallEndReason("transferred")
    public static let error = CallEndReason("error")
    public static let timeout = CallEndReason("timeout")
    public static let rejected = CallEndReason("rejected")
    /// Outbound calls that were not answered (issue 15): 486/600, rang out (408/480/487), anything else.
    public static let busy = CallEndReason("busy")
    public static let noAnswer = CallEndReason("no_answer")
    public static let failed = CallEndReason("failed")
    /// Set on start-up for calls the previous process left open (crash, kill -9, power loss).
    public static let interrupted = CallEndReason("interrupted")
}

public struct CallEventKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// Also sets `calls.answered_at`.
    public static let answered = CallEventKind("answered")
    public static let stepEntered = CallEventKind("step_entered")
    public static let dtmf = CallEventKind("dtmf")
    public static let bargeIn = CallEventKind("barge_in")
    public static let transfer = CallEventKind("transfer")
    public static let prompt = CallEventKind("prompt")
    public static let error = CallEventKind("error")
    public static let hangup = CallEventKind("hangup")
    /// Written by the recovery on start-up next to `end_reason = interrupted`.
    public static let interrupted = CallEventKind("interrupted")
}

public enum TurnRole: String, Hashable, Sendable, Codable {
    case caller
    case bot
}
