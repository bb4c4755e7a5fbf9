// SIP, SIPS and tel URIs (RFC 3261 §19.1, RFC 3966); other schemes are kept opaque.

/// A URI as used in the Request-URI and in name-addr headers.
///
/// - `sip:`/`sips:`: `user` and `password` are percent-decoded; `host` is lowercase-preserved as written
///   (IPv6 without brackets, see `hostPort`); `parameters` and `headers` keep their escaped form.
/// - `tel:`: the number is in `user`, `host` is empty.
/// - Any other scheme (`im:`, `http:`, `isbn:`): only `scheme` and `opaque` are set.
public struct SIPURI: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var user: String?
    public var password: String?
    public var host: String
    public var port: Int?
    public var parameters: [SIPParameter]
    /// `?name=value&…` headers (escaped form).
    public var headers: [SIPParameter]
    /// Everything after `scheme:` for schemes other than sip/sips/tel.
    public var opaque: String?

    public init(
        scheme: String = "sip", user: String? = nil, password: String? = nil, host: String, port: Int? = nil,
        parameters: [SIPParameter] = [], headers: [SIPParameter] = []
    ) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
        self.opaque = nil
    }

    /// Parses a URI; throws `SIPParseError` for malformed ones.
    public init(parsing text: String) throws(SIPParseError) {
        guard let uri = SIPURI.parse(Substring(text)) else {
            throw SIPParseError(.badURI, "malformed URI", detail: text)
        }
        self = uri
    }

    /// Failable convenience: nil for malformed text.
    public init?(_ text: String) {
        guard let uri = SIPURI.parse(Substring(text)) else { return nil }
        self = uri
    }

    public var isSIP: Bool { scheme == "sip" || scheme == "sips" }
    public var isTel: Bool { scheme == "tel" }

    /// `host[:port]` with IPv6 in brackets.
    public var hostPort: String {
        let shownHost = host.utf8.contains(UInt8(ascii: ":")) ? "[" + host + "]" : host
        if let port { return shownHost + ":" + String(port) }
        return shownHost
    }

    /// The `transport` parameter, lowercased, if any.
    public var transport: String? { parameters.value("transport")?.lowercased() }

    public var description: String { serialized }

    /// Appends the wire form to `out` without building intermediate strings (serializer fast path).
    func append(to out: inout [UInt8]) {
        guard isSIP, opaque == nil else {
            out.append(contentsOf: serialized.utf8)
            return
        }
        out.append(contentsOf: scheme.utf8)
        out.append(UInt8(ascii: ":"))
        if let user {
            out.append(contentsOf: SIPURI.escape(user, allowed: SIPBytes.userExtra).utf8)
            if let password {
                out.append(UInt8(ascii: ":"))
                out.append(contentsOf: SIPURI.escape(password, allowed: SIPBytes.passwordExtra).utf8)
            }
            out.append(UInt8(ascii: "@"))
        }
        let bracket = host.utf8.contains(UInt8(ascii: ":"))
        if bracket { out.append(UInt8(ascii: "[")) }
        out.append(contentsOf: host.utf8)
        if bracket { out.append(UInt8(ascii: "]")) }
        if let port {
            out.append(UInt8(ascii: ":"))
            SIPSerializer.appendDecimal(port, to: &out)
        }
        for param in parameters {
            out.append(UInt8(ascii: ";"))
            out.append(contentsOf: param.name.utf8)
            if let value = param.value {
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: value.utf8)
            }
        }
        if !headers.isEmpty {
            out.append(UInt8(ascii: "?"))
            for (index, header) in headers.enumerated() {
                if index > 0 { out.append(UInt8(ascii: "&")) }
                out.append(contentsOf: header.name.utf8)
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: (header.value ?? "").utf8)
            }
        }
    }

    /// Wire form (user and password re-escaped).
    public var serialized: String {
        if let opaque { return scheme + ":" + opaque }
        var result = scheme + ":"
        if isTel {
            result += user ?? ""
            result += parameters.serialized
            return result
        }
        if let user {
            result += SIPURI.escape(user, allowed: SIPBytes.userExtra)
            if let password { result += ":" + SIPURI.escape(password, allowed: SIPBytes.passwordExtra) }
            result += "@"
        }
        result += hostPort
        result += parameters.serialized
        if !headers.isEmpty {
            result += "?" + headers.map { $0.name + "=" + ($0.value ?? "") }.joined(separator: "&")
        }
        return result
    }
}
