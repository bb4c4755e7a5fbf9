/// One thing worth keeping about a call, as the session reports it.
import SwitchboardCore
public enum CallLogEvent: Sendable, Equatable {
    case started(callerNumber: String, calledNumber: String?, flow: String)
    case stepEntered(String)
    /// A finished turn: `caller` or `bot`, its text when known, its audio length.
    case turn(speaker: Speaker, text: String?, durationMs: Int)
    /// The transcript of the call's caller turn number `turn` (0-based, in the order caller turns were logged),
    /// known after the turn itself was logged.
    case callerTranscript(turn: Int, text: String)
    case dtmf(Character)
    case bargeIn
    case toolCall(name: String, arguments: String, result: String?, error: String?, durationMs: Int)
    case modelRequest(step: String, usage: ModelUsage?, error: String?, durationMs: Int)
    case transfer(target: String, result: String)
    /// Free-form structured line from the flow (`log` action) or the engine.
    case note(kind: String, detail: String)
    case ended(reason: String)

    public enum Speaker: String, Sendable, Equatable {
        case caller, bot
    }
}

/// A call event stamped with its call and its time on the call's clock.
public struct CallEventRecord: Sendable, Equatable {
    public var callID: String
    public var at: Duration
    public var event: CallLogEvent

    public init(callID: String, at: Duration, event: CallLogEvent) {
        self.callID = callID
        self.at = at
        self.event = event
    }
}

/// The session's event port: what happened on the call, on the call's clock. CallWiring's `CallLogWriterSink`
/// turns these into the call log's records (SwitchboardCore `CallLogRecord`); replay collects them to check a
/// fixture. `record` must not block; it is never on the media path.
public protocol CallEventSink: Sendable {
    func record(_ record: CallEventRecord)
}

/// A sink that drops everything.
public struct DiscardingCallEventSink: CallEventSink {
    public init() {}
    public func record(_ record: CallEventRecord) {}
}
