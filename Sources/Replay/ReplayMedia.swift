// Replay: the outbound half of a replayed call. Audio is pulled by the virtual media clock; a transfer always
// succeeds (the fixture says where the call went, the expectation checks it); hang-up is noted.
import CallEngine
import Synchronization

final class ReplayMedia: MediaOut {
    let outbound: OutboundAudioQueue
    private let state = Mutex<(transfers: [String], hangUp: HangUpReason?)>(([], nil))

    init(outbound: OutboundAudioQueue) {
        self.outbound = outbound
    }

    var transfers: [String] { state.withLock { $0.transfers } }

    func transfer(to target: String) async -> TransferResult {
        state.withLock { $0.transfers.append(target) }
        return .transferred
    }

    func hangUp(_ reason: HangUpReason) async {
        state.withLock { $0.hangUp = reason }
    }
}
