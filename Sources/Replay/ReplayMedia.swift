// Replay: the outbound half of a replayed call. Audio is pulled by the virtual media clock; a transfer is
// answered as it was answered live (the fixture's `transfers`, in order; past them, or without them, it
// succeeds); hang-up needs no signalling.
import CallEngine
import Synchronization
import SwitchboardCore

final class ReplayMedia: MediaOut {
    let outbound: OutboundAudioQueue
    private let answers: Mutex<[Fixture.TransferEvent]>

    init(outbound: OutboundAudioQueue, transfers: [Fixture.TransferEvent] = []) {
        self.outbound = outbound
        answers = Mutex(transfers)
    }

    func transfer(to target: String) async -> TransferResult {
        let answer = answers.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        guard let answer, answer.result != "ok" else { return .transferred }
        return .failed(reason: answer.result)
    }

    func hangUp(_ reason: HangUpReason) async {}
}
