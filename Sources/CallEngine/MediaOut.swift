public import Audio
public import SwitchboardCore

/// Result of asking the transport to transfer the call.
public enum TransferResult: Sendable, Equatable {
    /// The call left Switchboard (e.g. REFER accepted and NOTIFY 200).
    case transferred
    /// The transfer failed; the call is still ours.
    case failed(reason: String)
}

/// The outbound half of a call's media. Audio is not pushed on a timer: the session enqueues frames into
/// `outbound` and the transport's media clock pulls one frame per 20 ms tick.
public protocol MediaOut: Sendable {
    /// The queue the media clock pulls from.
    var outbound: OutboundAudioQueue { get }
    /// Transfers the call to a SIP URI or named route.
    func transfer(to target: String) async -> TransferResult
    /// Ends the call.
    func hangUp(_ reason: HangUpReason) async
}

extension MediaOut {
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
