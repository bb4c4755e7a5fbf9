/// One thing worth keeping about a call, as the session reports it.
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
public struct CallLogRecord: Sendable, Equatable {
    public var callID: String
    public var at: Duration
    public var event: CallLogEvent

    public init(callID: String, at: Duration, event: CallLogEvent) {
        self.callID = callID
        self.at = at
        self.event = event
    }
}

/// The call-log port. `record` must not block (the writer batches on its own queue); it is never on the media
/// path.
public protocol CallLogSink: Sendable {
    func record(_ record: CallLogRecord)
}

/// A sink that drops everything.
public struct DiscardingCallLogSink: CallLogSink {
    public init() {}
    public func record(_ record: CallLogRecord) {}
}
