// The Via header value (RFC 3261 §20.42, RFC 3581 rport).

/// One Via value: `SIP/2.0/UDP host:port;branch=…;received=…;rport`.
public struct SIPVia: Sendable, Hashable, CustomStringConvertible {
    /// Protocol name and version, normally `SIP/2.0`.
    public var protocolVersion: String
    /// Transport, uppercased (`UDP`, `TCP`, `TLS`, `SCTP`, `WS`, or unknown tokens).
    public var transport: String
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]

    public init(transport: String = "UDP", host: String, port: Int? = nil, branch: String? = nil, rport: Bool = false) {
        self.protocolVersion = SIP.version
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = []
        if let branch { parameters.append(SIPParameter(name: "branch", value: branch)) }
        if rport { parameters.append(SIPParameter(name: "rport")) }
    }

    /// Parses one Via value (LWS allowed around `/`, `;`, `=`).
    public init(parsing text: String) throws(SIPParseError) {
        guard let via = SIPVia.parse(Substring(text)) else {
            throw SIPParseError(.badHeaderValue, "malformed Via", detail: text)
        }
        self = via
    }

    public var branch: String? {
        get { parameters.value("branch") }
        set { parameters.set("branch", newValue) }
    }

    public var received: String? {
        get { parameters.value("received") }
        set { parameters.set("received", newValue) }
    }

    /// `rport` value: nil if absent, `.some(nil)` if present without a value.
    public var rport: Int?? {
        guard let value = parameters.value("rport") else { return nil }
        return .some(Int(value))
    }

    public mutating func setRport(_ port: Int) { parameters.set("rport", String(port)) }

    /// `sent-by` as `host[:port]`.
    public var sentBy: String {
        let shown = host.contains(":") ? "[" + host + "]" : host
        return port.map { shown + ":" + String($0) } ?? shown
    }

    /// Whether the branch carries the RFC 3261 magic cookie.
    public var isRFC3261Branch: Bool { branch?.hasPrefix(SIP.magicCookie) ?? false }

    public var description: String { serialized }

    public var serialized: String { protocolVersion + "/" + transport + " " + sentBy + parameters.serialized }

    static func parse(_ input: Substring) -> SIPVia? {
        var rest = SIPLexer.trimmed(input)
        var parts: [Substring] = []
        for index in 0..<3 {
            let end = rest.utf8.firstIndex { !SIPLexer.isToken($0) } ?? rest.endIndex
            let part = rest[rest.startIndex..<end]
            guard !part.isEmpty else { return nil }
            parts.append(part)
            rest = SIPLexer.trimmed(rest[end...])
            if index < 2 {
                guard rest.utf8.first == UInt8(ascii: "/") else { return nil }
                rest = SIPLexer.trimmed(rest.dropFirst())
            }
        }
        // sent-by
        var host: Substring
        if rest.utf8.first == UInt8(ascii: "[") {
            guard let close = rest.utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = rest[rest.utf8.index(after: rest.startIndex)..<close]
            rest = rest[rest.utf8.index(after: close)...]
        } else {
            let end = rest.utf8.firstIndex { !(SIPLexer.isAlpha($0) || SIPLexer.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")) } ?? rest.endIndex
            host = rest[rest.startIndex..<end]
            rest = rest[end...]
        }
        guard !host.isEmpty else { return nil }
        rest = SIPLexer.trimmed(rest)
        var port: Int?
        if rest.utf8.first == UInt8(ascii: ":") {
            rest = SIPLexer.trimmed(rest.dropFirst())
            let end = rest.utf8.firstIndex { !SIPLexer.isDigit($0) } ?? rest.endIndex
            guard let value = SIPLexer.parseUInt(rest[rest.startIndex..<end], max: 65535) else { return nil }
            port = Int(value)
            rest = rest[end...]
        }
        guard let params = SIPLexer.parseParameters(rest) else { return nil }
        var via = SIPVia(transport: parts[2].uppercased(), host: String(host), port: port)
        via.protocolVersion = parts[0].uppercased() + "/" + parts[1]
        via.parameters = params
        return via
    }
}
