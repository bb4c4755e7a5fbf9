// Datagram in → what to do with it: a request or response for the core, a reply to send at once, or a drop.

/// The outcome of one inbound datagram.
public enum SIPInbound: Sendable, Hashable {
    /// A valid request for the UA core.
    case request(SIPRequest)
    /// A valid response for the UA core.
    case response(SIPResponse)
    /// Send this response back to the sender and stop (400/405/415/416/420/505/406 …).
    case reply(SIPResponse)
    /// Drop the datagram (count it; log rate-limited). `reason` is for logs/metrics.
    case drop(reason: String)
}

/// Parser + validator in one step, the first thing the bridge or UA core does with a datagram.
public struct SIPFrontDoor: Sendable {
    public var parser: SIPParser
    public var validator: SIPRequestValidator

    public init(parser: SIPParser = SIPParser(), validator: SIPRequestValidator = SIPRequestValidator()) {
        self.parser = parser
        self.validator = validator
    }

    static let responsePrefix = Array("SIP/".utf8)
    static let versionSuffix = Array(" SIP/2.0".utf8)

    /// Whether the first line looks like a SIP start line (`SIP/2.0 200 OK` or `METHOD uri SIP/2.0`), to tell
    /// a cut SIP message from garbage that merely lacks an empty line.
    static func startLine(_ bytes: [UInt8]) -> (isSIP: Bool, isResponse: Bool) {
        var start = 0
        while start < bytes.count, bytes[start] == 0x0D || bytes[start] == 0x0A { start += 1 }
        let limit = min(bytes.count, start + 2048)
        var end = start
        while end < limit, bytes[end] != 0x0D, bytes[end] != 0x0A { end += 1 }
        let line = bytes[start..<end]
        if line.starts(with: responsePrefix) { return (true, true) }
        let upper = line.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        return (upper.count > versionSuffix.count && upper.suffix(versionSuffix.count).elementsEqual(versionSuffix), false)
    }

    /// Classifies one datagram. `toTag` is used for the To-tag of an immediate reply.
    public func receive(_ bytes: [UInt8], toTag: String) -> SIPInbound { classify(bytes, toTag: toTag).inbound }

    /// Classifies one datagram and says what kind of bad input it was (nil for a request/response passed on).
    public func classify(_ bytes: [UInt8], toTag: String) -> (inbound: SIPInbound, kind: SIPBadInputKind?) {
        let message: SIPMessage
        do {
            message = try parser.parse(bytes)
        } catch {
            var kind = SIPBadInputKind(parseError: error.code)
            if error.code == .empty { return (.drop(reason: "keep-alive"), kind) }
            if let reply = SIPResponse.badRequest(for: error, toTag: toTag) { return (.reply(reply), kind) }
            if kind != .oversize {
                let line = SIPFrontDoor.startLine(bytes)
                if !line.isSIP {
                    kind = .garbage
                } else if kind == .malformed {
                    kind = line.isResponse ? .invalidResponse : .garbage
                }
            }
            return (.drop(reason: error.description), kind)
        }
        switch message {
        case .response(let response):
            return validator.accepts(response) ? (.response(response), nil) : (.drop(reason: "invalid response"), .invalidResponse)
        case .request(let request):
            // Without any Via there is nothing to answer along (RFC 3261 §18.2.2): drop. A malformed Via still
            // gets 400 at the datagram's source (RFC 4475 badinv01).
            guard request.headers.contains("Via") else { return (.drop(reason: "request without Via"), .garbage) }
            guard let rejection = validator.check(request) else { return (.request(request), nil) }
            let kind: SIPBadInputKind = rejection.statusCode == 400 ? .malformed : .unsupported
            if request.method == .ack { return (.drop(reason: "invalid ACK: \(rejection.reason)"), kind) }
            return (.reply(rejection.response(to: request, toTag: toTag)), kind)
        }
    }
}
