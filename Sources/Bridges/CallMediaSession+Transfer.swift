// Bridges: the media session's side of a blind transfer that waits for its outcome (see SIPBridge+Transfer).
public import NIOCore
public import SIP

extension CallMediaSession {
    /// Blind transfer that reports how it ended: REFER to `target`, then `completion` (called once, on the SIP
    /// loop) with `.completed` after the NOTIFY sipfrag 2xx, or `.failed` on refusal, failure, `timeout`, or
    /// when the call ends first. The call is not hung up here either way. Call on the media loop.
    public func transfer(
        to target: String, timeout: TimeAmount, completion: @escaping @Sendable (BlindTransferOutcome) -> Void
    ) {
        guard let bridge = signaling as? SIPBridge, !isEnded else {
            completion(.failed(status: nil, reason: isEnded ? "the call has ended" : "the call has no SIP dialog"))
            return
        }
        bridge.startTransfer(callID: callID, to: target, timeout: timeout, completion: completion)
    }
}

extension CallMediaSession {
    /// Attended transfer of this call (see `SIPBridge.startAttendedTransfer`); `completion` is called once on
    /// the SIP loop. Call on the media loop.
    public func attendedTransfer(
        _ setup: AttendedTransferSetup, completion: @escaping @Sendable (AttendedTransferMachine.Outcome) -> Void
    ) {
        guard let bridge = signaling as? SIPBridge, !isEnded else {
            completion(.failed(reason: isEnded ? "the call has ended" : "the call has no SIP dialog"))
            return
        }
        bridge.startAttendedTransfer(callID: callID, setup, completion: completion)
    }
}
