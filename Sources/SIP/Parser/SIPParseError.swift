// The typed error of every SIP/SDP parser.

/// Why a message (or part of one) could not be parsed.
///
/// `responseHeaders` is set when the bytes were a request and enough of it was readable (at least a Via)
/// to answer it: the front door then sends `400 Bad Request` (see `SIPResponse.badRequest(for:toTag:)`);
/// when it is nil the datagram is dropped.
public struct SIPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable classification of the failure.
    public enum Code: String, Sendable, Hashable {
        case empty, tooLarge, badStartLine, badVersion, badStatusCode, badURI, badHeaderLine, missingHeader
        case badHeaderValue, badContentLength, truncatedBody, badMethod, badSDP, unterminatedHeaders
    }

    public var code: Code
    /// A short, human-readable reason (also used as the 400 reason phrase).
    public var reason: String
    /// The offending text, if short enough to be useful.
    public var detail: String?
    /// Via, From, To, Call-ID and CSeq of an answerable request; nil if the message cannot be answered.
    public var responseHeaders: SIPHeaders?

    public init(_ code: Code, _ reason: String, detail: String? = nil, responseHeaders: SIPHeaders? = nil) {
        self.code = code
        self.reason = reason
        self.detail = detail.map { String($0.prefix(120)) }
        self.responseHeaders = responseHeaders
    }

    /// Whether a `400` can be sent back (the message was a request with a readable Via).
    public var isAnswerable: Bool { responseHeaders != nil }

    public var description: String {
        "SIP parse error (\(code.rawValue)): \(reason)" + (detail.map { " — \($0)" } ?? "")
    }
}
