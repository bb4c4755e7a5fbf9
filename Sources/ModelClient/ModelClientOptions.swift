// ModelClient: timeouts and retry rules of the client, each configurable.

/// How long to wait, and how often to retry.
public struct ModelClientOptions: Sendable, Equatable {
    /// TCP (+TLS) connection establishment.
    public var connectTimeout: Duration
    /// From sending the request until the first byte of the response body.
    public var firstByteTimeout: Duration
    /// Longest gap between two reads of the body once it started.
    public var idleTimeout: Duration
    public var retry: RetryPolicy
    /// No retry is started when it would begin later than this after the first attempt (the turn's
    /// latency budget).
    public var retryBudget: Duration

    public init(
        connectTimeout: Duration = .seconds(5), firstByteTimeout: Duration = .seconds(20),
        idleTimeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy(), retryBudget: Duration = .seconds(15)
    ) {
        self.connectTimeout = connectTimeout
        self.firstByteTimeout = firstByteTimeout
        self.idleTimeout = idleTimeout
        self.retry = retry
        self.retryBudget = retryBudget
    }
}
