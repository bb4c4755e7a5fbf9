// SwitchboardCore: why a call ends — asked for by the call engine (`MediaOut.hangUp`) and reported by the
// bridges when a call's media ends (`CallMediaHandler.callEnded`).

public enum HangUpReason: String, Sendable, Hashable {
    /// The flow finished and we hung up (also: the bridge closed the call itself, e.g. on shutdown).
    case completed
    /// The caller sent BYE (or CANCEL before answer).
    case callerHungUp = "caller_hung_up"
    /// The call left Switchboard by a transfer.
    case transferred
    /// Something failed: no ACK, a transport error, a flow error.
    case error
    /// A timeout: no media from the caller, the call's time limit.
    case timeout
}
