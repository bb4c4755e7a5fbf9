// ModelClient: what one attempt has done so far, for its metrics; and the request's attempt state machine,
// shared between the reader task and the retry loop.
import Synchronization

/// One request's `ModelAttemptMachine` behind a lock: the reader task reports bytes and audio, the retry loop
/// reports failures, and both act on the actions it returns.
final class AttemptMachineBox: Sendable {
    private let machine: Mutex<ModelAttemptMachine>

    init(_ machine: ModelAttemptMachine) {
        self.machine = Mutex(machine)
    }

    func handle(_ event: ModelAttemptMachine.Event, at now: Duration) -> [ModelAttemptMachine.Action] {
        machine.withLock { $0.handle(event, at: now) }
    }
}

final class AttemptProgress: Sendable {
    struct State: Sendable {
        var timeToFirstByte: Duration?
        var timeToFirstAudio: Duration?
        var status: Int?
        var responseBytes = 0
        /// Transcript fragments held back until the attempt's first audio (or its end): an attempt that fails
        /// before audio is retried, and its fragments must not reach the consumer twice.
        var heldTranscript: [String] = []
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
        }
    }

    /// Holds `text` when no audio was delivered yet (returns true), else leaves it to be delivered now.
    func hold(_ text: String) -> Bool {
        state.withLock {
            guard $0.timeToFirstAudio == nil else { return false }
            $0.heldTranscript.append(text)
            return true
        }
    }

    /// The held fragments, released once.
    func releaseHeld() -> [String] {
        state.withLock { state in
            let held = state.heldTranscript
            state.heldTranscript = []
            return held
        }
    }

    func status(_ code: Int) {
        state.withLock { $0.status = code }
    }
}
