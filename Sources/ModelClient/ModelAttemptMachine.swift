// ModelClient: the one state machine for the attempts of a model request — when an attempt times out (first
// byte, idle gap), whether a failed attempt is retried (retryable, no audio delivered yet, retries left, the
// wait fits the latency budget) and how long to wait. Pure: events with timestamps in, actions out. The live
// client (ChatModelClient, on the real clock) and replay (Replay's CassetteConversationModel, on the call's
// virtual clock) both drive it, so a recorded call runs the rules the live client runs.

/// The attempts of one model request. Times are `Duration`s since the request started.
public struct ModelAttemptMachine: Sendable, Equatable {
    /// Which deadline an attempt is under.
    public enum Timeout: String, Sendable, Equatable {
        /// From sending the request until the first byte of the response (connection included).
        case firstByte = "timeout.first_byte"
        /// The longest gap between two reads once the response started.
        case idle = "timeout.idle"
    }

    /// A deadline: the attempt times out when no byte arrives before `at`; `limit` is how long it waited.
    public struct Deadline: Sendable, Equatable {
        public var timeout: Timeout
        public var at: Duration
        public var limit: Duration

        public init(timeout: Timeout, at: Duration, limit: Duration) {
            self.timeout = timeout
            self.at = at
            self.limit = limit
        }
    }

    public enum Event: Sendable, Equatable {
        /// An attempt is sent (the first, or a retry after its wait).
        case attemptStarted
        /// Response bytes arrived (head or body).
        case bytesReceived
        /// Audio of the reply reached the consumer: from now on the request is never retried.
        case audioDelivered
        /// The attempt failed (HTTP status, transport error, timeout, unreadable reply). `jitter` in [0, 1) is
        /// the random factor of the backoff (0 in replay).
        case attemptFailed(retryable: Bool, retryAfter: Duration?, jitter: Double)
        /// The reply is complete.
        case finished
    }

    public enum Action: Sendable, Equatable {
        /// Abort the attempt when no byte arrives before the deadline (replaces any earlier deadline).
        case arm(Deadline)
        /// Wait `delay`, then send attempt number `attempt` (2 for the first retry).
        case retry(attempt: Int, delay: Duration)
        /// Give up: the request fails with the attempt's error.
        case fail
        /// The request succeeded.
        case finish
    }

    public let options: ModelClientOptions
    /// Attempts started so far (1 for the first).
    public private(set) var attempt = 0
    public private(set) var audioDelivered = false
    /// The running attempt's deadline; `nil` between attempts and after the end.
    public private(set) var deadline: Deadline?
    public private(set) var isDone = false

    public init(options: ModelClientOptions) {
        self.options = options
    }

    /// The deadline that has passed at `now`, if any: the attempt must be aborted with that timeout.
    public func expired(at now: Duration) -> Deadline? {
        guard let deadline, now >= deadline.at else { return nil }
        return deadline
    }

    public mutating func handle(_ event: Event, at now: Duration) -> [Action] {
        guard !isDone else { return [] }
        switch event {
        case .attemptStarted:
            attempt += 1
            let limit = options.connectTimeout + options.firstByteTimeout
            return arm(Deadline(timeout: .firstByte, at: now + limit, limit: limit))
        case .bytesReceived:
            guard deadline != nil else { return [] }
            return arm(Deadline(timeout: .idle, at: now + options.idleTimeout, limit: options.idleTimeout))
        case .audioDelivered:
            audioDelivered = true
            return []
        case .attemptFailed(let retryable, let retryAfter, let jitter):
            deadline = nil
            guard retryable, !audioDelivered, attempt <= options.retry.maxRetries,
                let delay = options.retry.delay(beforeRetry: attempt - 1, retryAfter: retryAfter, jitter: jitter),
                now + delay <= options.retryBudget
            else {
                isDone = true
                return [.fail]
            }
            return [.retry(attempt: attempt + 1, delay: delay)]
        case .finished:
            deadline = nil
            isDone = true
            return [.finish]
        }
    }

    private mutating func arm(_ next: Deadline) -> [Action] {
        deadline = next
        return [.arm(next)]
    }
}
