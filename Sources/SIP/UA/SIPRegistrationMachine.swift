// Keeping one trunk registered (issue 15), pure: events with timestamps in, actions out. The UA core sends each
// REGISTER (answering 401/407 with digest) and refreshes a live registration before it expires; this machine
// decides what happens around it — the first REGISTER, a retry after a failure with exponential back-off and
// jitter (never a tight loop), whether the trunk counts as up, and the unregister (expires 0) on shutdown.

/// One trunk's registration lifecycle.
public struct SIPRegistrationMachine: Sendable {
    public enum State: Sendable, Equatable {
        case idle
        /// A REGISTER is out (first one, or a retry after a failure).
        case registering
        /// Registered until `until` (the core refreshes before then).
        case registered(expires: Int, until: Duration)
        /// The last attempt failed (`statusCode` nil: no answer); the next one is due at `retryAt`.
        case failed(statusCode: Int?, retryAt: Duration)
        /// The REGISTER with expires 0 is out.
        case unregistering
        /// Unregistered on shutdown (or stopped before it was ever registered).
        case stopped
    }

    public enum Event: Sendable, Equatable {
        case start
        /// The registrar accepted for `expires` seconds (0: the unregister was accepted).
        case registered(expires: Int)
        case failed(statusCode: Int?)
        /// The retry timer asked for by `.scheduleRetry` fired.
        case retryDue
        /// Shutting down: unregister if registered.
        case stop
    }

    public enum Action: Sendable, Equatable {
        /// Send REGISTER with the trunk's expiry (the core handles digest and refreshes).
        case register
        /// Send REGISTER with expires 0.
        case unregister
        /// Feed `.retryDue` at this time.
        case scheduleRetry(at: Duration)
        /// The state changed to a failure: tell the operator (status, consecutive failures, next attempt).
        case reportFailure(statusCode: Int?, failures: Int, retryIn: Duration)
        /// Nothing more to do (stopped).
        case finished
    }

    /// Back-off after consecutive failures: `initial`, doubling up to `maximum`, each delay drawn uniformly from
    /// its upper half (jitter spreads many Switchboards restarted together).
    public struct Policy: Sendable, Equatable {
        public var initial: Duration
        public var maximum: Duration
        public init(initial: Duration = .seconds(2), maximum: Duration = .seconds(300)) {
            self.initial = initial
            self.maximum = maximum
        }
    }

    public private(set) var state: State = .idle
    /// Failures since the last success.
    public private(set) var consecutiveFailures = 0
    /// Attempts (REGISTER sequences started, refreshes not counted) and successes since start.
    public private(set) var attempts = 0
    public private(set) var successes = 0
    public let policy: Policy
    private var random: SIPRandom

    public init(policy: Policy = Policy(), seed: UInt64) {
        self.policy = policy
        random = SIPRandom(seed: seed)
    }

    /// Whether the trunk is registered at `now`.
    public func isUp(at now: Duration) -> Bool {
        if case .registered(_, let until) = state { return now < until }
        return false
    }

    public mutating func handle(_ event: Event, at now: Duration) -> [Action] {
        switch (event, state) {
        case (.start, .idle), (.retryDue, .failed):
            state = .registering
            attempts += 1
            return [.register]
        case (.registered, .unregistering):
            state = .stopped
            return [.finished]
        case (.registered(let expires), .registering), (.registered(let expires), .registered),
            (.registered(let expires), .failed):
            guard expires > 0 else {  // the registrar kept no binding
                consecutiveFailures += 1
                let delay = backoff()
                state = .failed(statusCode: nil, retryAt: now + delay)
                return [.reportFailure(statusCode: nil, failures: consecutiveFailures, retryIn: delay), .scheduleRetry(at: now + delay)]
            }
            state = .registered(expires: expires, until: now + .seconds(expires))
            consecutiveFailures = 0
            successes += 1
            return []
        case (.failed, .unregistering):
            state = .stopped
            return [.finished]
        case (.failed(let status), .registering), (.failed(let status), .registered):
            consecutiveFailures += 1
            let delay = backoff()
            state = .failed(statusCode: status, retryAt: now + delay)
            return [.reportFailure(statusCode: status, failures: consecutiveFailures, retryIn: delay), .scheduleRetry(at: now + delay)]
        case (.stop, .registered), (.stop, .registering):
            state = .unregistering
            return [.unregister]
        case (.stop, .idle), (.stop, .failed):
            state = .stopped
            return [.finished]
        default:
            return []
        }
    }

    /// The delay before the next attempt after `consecutiveFailures` failures.
    mutating func backoff() -> Duration {
        let doublings = min(max(consecutiveFailures - 1, 0), 30)
        let full = min(policy.maximum, policy.initial * (1 << doublings))
        let fraction = Double(random.next() >> 11) / Double(1 << 53)  // [0, 1)
        return full * (0.5 + 0.5 * fraction)
    }
}
