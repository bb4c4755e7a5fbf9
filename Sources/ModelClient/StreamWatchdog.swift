// ModelClient: enforces the first-byte and idle-gap deadlines of one attempt. It runs as a sibling task of
// the body reader; when a deadline passes it throws, the task group cancels the reader, and AsyncHTTPClient
// aborts the request.
import Synchronization

/// A moving deadline shared between the body reader (which pushes it forward) and the watchdog task.
final class StreamWatchdog: Sendable {
    private struct State {
        var deadline: ContinuousClock.Instant
        var error: ModelClientError
    }

    private let state: Mutex<State>

    init(deadline: ContinuousClock.Instant, error: ModelClientError) {
        state = Mutex(State(deadline: deadline, error: error))
    }

    /// Moves the deadline (e.g. after each read: now + idle timeout) and the error it raises.
    func arm(deadline: ContinuousClock.Instant, error: ModelClientError) {
        state.withLock { $0 = State(deadline: deadline, error: error) }
    }

    /// Sleeps until the current deadline; throws its error once a deadline passes without being moved.
    /// Wakes at least every `poll` so that a deadline moved earlier (first byte → idle gap) is seen in time.
    func run(poll: Duration = .milliseconds(50)) async throws -> Never {
        let clock = ContinuousClock()
        while true {
            let (deadline, error) = state.withLock { ($0.deadline, $0.error) }
            let now = clock.now
            if now >= deadline { throw error }
            try await clock.sleep(until: min(deadline, now + poll), tolerance: .milliseconds(5))
        }
    }
}
