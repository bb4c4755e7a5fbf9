// ModelClient: when and how long to wait before retrying, as the official SDKs do: connection errors,
// 408, 409, 429 and >= 500 retry (unless `x-should-retry` says otherwise), waits are min(0.5 s * 2^n, 8 s)
// times a jitter in (0.75, 1], and a server's `retry-after-ms` / `retry-after` wins up to a cap.

/// Retry rules. Pure: the random jitter factor is passed in.
public struct RetryPolicy: Sendable, Equatable {
    public var maxRetries: Int
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// A server-requested wait longer than this is not honoured: the request fails instead.
    public var maxHonouredRetryAfter: Duration

    public init(
        maxRetries: Int = 2, initialDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
        maxHonouredRetryAfter: Duration = .seconds(60)
    ) {
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxHonouredRetryAfter = maxHonouredRetryAfter
    }

    public static let none = RetryPolicy(maxRetries: 0)

    /// Whether an HTTP status is worth retrying; `x-should-retry` overrides when present.
    public static func isRetryable(status: Int, shouldRetryHeader: String?) -> Bool {
        switch shouldRetryHeader?.lowercased() {
        case "true": return true
        case "false": return false
        default: return status == 408 || status == 409 || status == 429 || status >= 500
        }
    }

    /// Reads `retry-after-ms` (milliseconds) or `retry-after` (seconds). An HTTP-date `retry-after` is not
    /// read (the backoff applies instead).
    public static func retryAfter(milliseconds: String?, seconds: String?) -> Duration? {
        if let text = milliseconds?.trimmingWhitespace, let value = Double(text), value >= 0 {
            return .milliseconds(Int64(value.rounded()))
        }
        if let text = seconds?.trimmingWhitespace, let value = Double(text), value >= 0 {
            return .milliseconds(Int64((value * 1000).rounded()))
        }
        return nil
    }

    /// The wait before retry number `retry` (0-based), given the server's hint and a jitter in [0, 1).
    /// `nil` means: do not retry (the server asked for longer than `maxHonouredRetryAfter`).
    public func delay(beforeRetry retry: Int, retryAfter: Duration?, jitter: Double) -> Duration? {
        if let retryAfter {
            return retryAfter <= maxHonouredRetryAfter ? retryAfter : nil
        }
        let exponential = initialDelay * (1 << min(retry, 20))
        let capped = min(exponential, maxDelay)
        return capped * (1 - 0.25 * min(max(jitter, 0), 1))
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text.removeFirst() }
        while text.last?.isWhitespace == true { text.removeLast() }
        return String(text)
    }
}
