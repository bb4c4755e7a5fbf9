// Replay: the outbound half of a replayed call. Audio is pulled by the virtual media clock; a transfer always
// succeeds (where the call went is the session's outcome, which the expectation checks); hang-up needs no
// signalling.
import CallEngine

final class ReplayMedia: MediaOut {
    let outbound: OutboundAudioQueue

    init(outbound: OutboundAudioQueue) {
        self.outbound = outbound
    }

    func transfer(to target: String) async -> TransferResult {
        .transferred
    }

    func hangUp(_ reason: HangUpReason) async {}
}
