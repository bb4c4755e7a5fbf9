// ModelClient: what one request has done so far, shared between the reader task and the retry loop
// (retries are only allowed while no audio has been delivered).
import Synchronization

final class AttemptProgress: Sendable {
    struct State: Sendable {
        var audioDelivered = false
        var timeToFirstByte: Duration?
        var timeToFirstAudio: Duration?
        var status: Int?
        var responseBytes = 0
    }

    private let state = Mutex(State())

    var snapshot: State { state.withLock { $0 } }

    func received(bytes: Int, at elapsed: Duration) {
        state.withLock {
            if $0.timeToFirstByte == nil { $0.timeToFirstByte = elapsed }
            $0.responseBytes += bytes
        }
    }

    func deliveredAudio(at elapsed: Duration) {
        state.withLock {
            if $0.timeToFirstAudio == nil { $0.timeToFirstAudio = elapsed }
            $0.audioDelivered = true
        }
    }

    func status(_ code: Int) {
        state.withLock { $0.status = code }
    }
}
