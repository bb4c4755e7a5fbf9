// Bad input: what kind of malformed or unserved input a datagram was (for metrics), and a pure per-kind
// log rate limiter (the caller passes monotonic nanoseconds; no clock here).

/// The category of a datagram the UA core did not hand on as a normal request/response.
public enum SIPBadInputKind: String, Sendable, Hashable, CaseIterable {
    /// Bare CRLF keep-alives: not bad, counted, never logged.
    case keepAlive = "keep_alive"
    /// Not SIP, or a request without a readable Via: dropped.
    case garbage
    /// Larger than the parser limits (message size, header count).
    case oversize
    /// Headers not terminated by an empty line (a cut datagram).
    case truncated
    /// Content-Length invalid, repeated, or larger than the body that arrived.
    case contentLength = "content_length"
    /// Any other syntax or semantic error in a request: answered 400.
    case malformed
    /// Well-formed but not served: 405/415/416/420/505/406.
    case unsupported
    /// A response that fails validation (bad status code, bad Via …): dropped.
    case invalidResponse = "invalid_response"
    /// Well-formed but matching nothing (ACK or response without a transaction).
    case stray

    /// The kind of a parse failure.
    public init(parseError code: SIPParseError.Code) {
        switch code {
        case .empty: self = .keepAlive
        case .tooLarge: self = .oversize
        case .unterminatedHeaders: self = .truncated
        case .badContentLength, .truncatedBody: self = .contentLength
        case .badStartLine, .badVersion, .badStatusCode, .badURI, .badHeaderLine, .missingHeader, .badHeaderValue,
            .badMethod, .badSDP:
            self = .malformed
        }
    }

    /// Worth a warning in the logs (rate-limited): everything but keep-alives, unserved methods/types and stray
    /// messages (late retransmissions of ACKs and responses are normal on UDP).
    public var isSuspicious: Bool { self != .keepAlive && self != .unsupported && self != .stray }
}

/// Allows the first log line per key, then at most one per `intervalNanos`, and tells how many were
/// suppressed in between (so a flood is logged as "… and N more").
public struct SIPLogRateLimiter: Sendable {
    public var intervalNanos: UInt64
    private var lastLogged: [String: UInt64] = [:]
    private var suppressed: [String: UInt64] = [:]

    public init(intervalNanos: UInt64 = 10_000_000_000) { self.intervalNanos = intervalNanos }

    /// nil: suppress this line. Otherwise log it, mentioning the returned count of lines suppressed since
    /// the previous one for `key`.
    public mutating func admit(_ key: String, at nowNanos: UInt64) -> UInt64? {
        if let last = lastLogged[key], nowNanos &- last < intervalNanos {
            suppressed[key, default: 0] += 1
            return nil
        }
        lastLogged[key] = nowNanos
        return suppressed.removeValue(forKey: key) ?? 0
    }

    /// Lines suppressed for `key` since it was last logged.
    public func suppressedCount(_ key: String) -> UInt64 { suppressed[key] ?? 0 }
}
