// ModelClient: the typed error of a model request: an opaque code, a message a person can act on (the
// provider's own message when it sent one), whether a retry may help, and the server's retry hints.

/// Why a model request failed.
public struct ModelClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let raw: String
        public var description: String { raw }
        public static let connection = Code(raw: "connection")
        public static let connectTimeout = Code(raw: "timeout.connect")
        public static let firstByteTimeout = Code(raw: "timeout.first_byte")
        public static let idleTimeout = Code(raw: "timeout.idle")
        public static let http = Code(raw: "http")
        public static let rateLimited = Code(raw: "rate_limited")
        /// The account is out of credit (429 `insufficient_quota`); never retried.
        public static let quota = Code(raw: "quota")
        public static let authentication = Code(raw: "authentication")
        public static let modelNotFound = Code(raw: "model_not_found")
        public static let server = Code(raw: "server")
        public static let streamError = Code(raw: "stream_error")
        public static let malformedResponse = Code(raw: "malformed_response")
        public static let toolCall = Code(raw: "tool_call")
        public static let configuration = Code(raw: "configuration")
    }

    public var code: Code
    public var message: String
    public var isRetryable: Bool
    /// HTTP status, when the error came with one.
    public var status: Int?
    /// How long the server asked us to wait (`retry-after-ms` / `retry-after`).
    public var retryAfter: Duration?

    public init(_ code: Code, _ message: String, retryable: Bool = false, status: Int? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.isRetryable = retryable
        self.status = status
        self.retryAfter = retryAfter
    }

    public var description: String {
        "\(message) [\(code)\(status.map { ", HTTP \($0)" } ?? "")]"
    }
}
