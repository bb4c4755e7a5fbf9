import Synchronization

/// Waits for the first of several racing answers without waiting for the others to finish: unlike a task
/// group, which awaits every child at the end of its scope, a loser that ignores cancellation (an HTTP request
/// stuck in a client) cannot hold the caller. Answers after the first are dropped.
final class FirstOf<Value: Sendable>: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<Value, Never>)
        case answered(Value)
        case done
    }

    private let state = Mutex(State.idle)

    /// Starts every racer and returns the first value any of them (or `offer`) gives.
    func wait(_ racers: [@Sendable () async -> Value]) async -> Value {
        let tasks = racers.map { racer in Task { self.offer(await racer()) } }
        let value = await withCheckedContinuation { continuation in
            let early = state.withLock { state -> Value? in
                if case .answered(let value) = state {
                    state = .done
                    return value
                }
                state = .waiting(continuation)
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
        for task in tasks { task.cancel() }
        return value
    }

    /// Gives an answer; only the first one counts.
    func offer(_ value: Value) {
        let continuation = state.withLock { state -> CheckedContinuation<Value, Never>? in
            switch state {
            case .idle:
                state = .answered(value)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .answered, .done:
                return nil
            }
        }
        continuation?.resume(returning: value)
    }
}
