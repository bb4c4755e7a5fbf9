public import Audio
public import SwitchboardCore

/// Result of asking the transport to transfer the call.
public enum TransferResult: Sendable, Equatable {
    /// The call left Switchboard (e.g. REFER accepted and NOTIFY 200).
    case transferred
    /// The transfer failed; the call is still ours.
    case failed(reason: String)
    /// Attended transfer: the caller's side refused the REFER, so the transport relays audio between the
    /// caller and the target itself until one of them hangs up (`detail` says why REFER was not used).
    case bridged(detail: String)
}

/// An attended transfer's call to the target (`transfer:` with `mode: attended`).
public struct AttendedTransferLeg: Sendable, Equatable {
    /// The target's SIP URI.
    public var target: String
    /// The whisper spoken to the target once it answers (PCM at `whisperRate`; empty: none).
    public var whisper: [Int16]
    public var whisperRate: Int
    /// How long the target may ring before the leg is cancelled.
    public var answerTimeoutMs: Int
    /// The caller's number, shown to the target as the caller ID (nil: Switchboard's own).
    public var callerID: String?

    public init(target: String, whisper: [Int16], whisperRate: Int, answerTimeoutMs: Int, callerID: String?) {
        self.target = target
        self.whisper = whisper
        self.whisperRate = whisperRate
        self.answerTimeoutMs = answerTimeoutMs
        self.callerID = callerID
    }
}

/// The outbound half of a call's media. Audio is not pushed on a timer: the session enqueues frames into
/// `outbound` and the transport's media clock pulls one frame per 20 ms tick.
public protocol MediaOut: Sendable {
    /// The queue the media clock pulls from.
    var outbound: OutboundAudioQueue { get }
    /// Transfers the call to a SIP URI or named route.
    func transfer(to target: String) async -> TransferResult
    /// Attended transfer: calls `leg.target`, whispers, then REFERs with Replaces or bridges the two legs.
    func attendedTransfer(_ leg: AttendedTransferLeg) async -> TransferResult
    /// Ends the call.
    func hangUp(_ reason: HangUpReason) async
}

extension MediaOut {
    /// Attended transfer; a transport that cannot call a second leg reports a failure (the flow's
    /// overflow/`on_failure` runs).
    public func attendedTransfer(_ leg: AttendedTransferLeg) async -> TransferResult {
        .failed(reason: "this call's transport cannot call a transfer target")
    }

    /// Queues samples (at the call rate) for playback; `mark` is reported by the queue once they have played.
    public func play(_ samples: [Int16], mark: UInt64? = nil) {
        outbound.enqueue(samples, mark: mark)
    }

    /// Queues frames for playback.
    public func play(_ frames: [PCMFrame], mark: UInt64? = nil) {
        outbound.enqueue(frames.flatMap(\.samples), mark: mark)
    }

    /// Drops everything not yet played (barge-in flush).
    public func clear() {
        _ = outbound.clear()
    }
}

/// Both halves of a call's media: what a bridge provides per call.
public protocol MediaTransport: MediaIn, MediaOut {}
