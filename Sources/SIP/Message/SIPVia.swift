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
        let shown = host.utf8.contains(UInt8(ascii: ":")) ? "[" + host + "]" : host
        return port.map { shown + ":" + String($0) } ?? shown
    }

    /// Whether the branch carries the RFC 3261 magic cookie.
    public var isRFC3261Branch: Bool { branch?.hasPrefix(SIP.magicCookie) ?? false }

    public var description: String { serialized }

    public var serialized: String { protocolVersion + "/" + transport + " " + sentBy + parameters.serialized }

    static func parse(_ input: Substring) -> SIPVia? {
        let bytes = Array(input.utf8)
        return parse(bytes, 0..<bytes.count)
    }

    static func parse(_ bytes: [UInt8], _ whole: Range<Int>) -> SIPVia? {
        let range = SIPBytes.trim(bytes, whole)
        var index = range.lowerBound
        let end = range.upperBound
        func skipSpace() { while index < end, SIPBytes.isSpace(bytes[index]) { index += 1 } }
        var parts: [Range<Int>] = []
        for part in 0..<3 {
            let start = index
            while index < end, SIPBytes.has(bytes[index], SIPBytes.token) { index += 1 }
            guard index > start else { return nil }
            parts.append(start..<index)
            skipSpace()
            if part < 2 {
                guard index < end, bytes[index] == UInt8(ascii: "/") else { return nil }
                index += 1
                skipSpace()
            }
        }
        let host: Range<Int>
        if index < end, bytes[index] == UInt8(ascii: "[") {
            guard let close = SIPBytes.find(UInt8(ascii: "]"), in: bytes, index..<end) else { return nil }
            host = (index + 1)..<close
            index = close + 1
        } else {
            let start = index
            while index < end, SIPBytes.has(bytes[index], SIPBytes.hostChar) { index += 1 }
            host = start..<index
        }
        guard !host.isEmpty else { return nil }
        skipSpace()
        var port: Int?
        if index < end, bytes[index] == UInt8(ascii: ":") {
            index += 1
            skipSpace()
            let start = index
            while index < end, SIPLexer.isDigit(bytes[index]) { index += 1 }
            guard let value = SIPBytes.decimal(bytes, start..<index, max: 65535) else { return nil }
            port = Int(value)
        }
        guard let params = SIPBytes.parameters(bytes, index..<end) else { return nil }
        var via = SIPVia(transport: SIPBytes.string(bytes, parts[2]).uppercased(), host: SIPBytes.string(bytes, host), port: port)
        let name = SIPBytes.string(bytes, parts[0])
        let version = SIPBytes.string(bytes, parts[1])
        via.protocolVersion = (name == "SIP" ? name : name.uppercased()) + "/" + version
        via.parameters = params
        return via
    }
}
