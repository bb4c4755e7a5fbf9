// name-addr / addr-spec with header parameters (From, To, Contact, Route, Record-Route, Refer-To).

/// `"Display" <sip:uri>;tag=x` or `sip:uri;tag=x`. `parameters` are the header parameters (after `>`).
public struct SIPNameAddress: Sendable, Hashable, CustomStringConvertible {
    public var displayName: String?
    public var uri: SIPURI
    public var parameters: [SIPParameter]

    public init(displayName: String? = nil, uri: SIPURI, parameters: [SIPParameter] = []) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// Parses one name-addr/addr-spec value (strict RFC 3261 grammar).
    public init(parsing text: String) throws(SIPParseError) {
        guard let value = SIPNameAddress.parse(Substring(text)) else {
            throw SIPParseError(.badHeaderValue, "malformed name-addr", detail: text)
        }
        self = value
    }

    /// The `tag` parameter.
    public var tag: String? {
        get { parameters.value("tag") }
        set { parameters.set("tag", newValue) }
    }

    public var description: String { serialized }

    /// Wire form, always with `<>`.
    public var serialized: String {
        var result = ""
        if let displayName, !displayName.isEmpty { result += SIPLexer.quote(displayName) + " " }
        result += "<" + uri.serialized + ">" + parameters.serialized
        return result
    }

    static func parse(_ input: Substring) -> SIPNameAddress? {
        let bytes = Array(input.utf8)
        return parse(bytes, 0..<bytes.count)
    }

    static func parse(_ bytes: [UInt8], _ whole: Range<Int>) -> SIPNameAddress? {
        let range = SIPBytes.trim(bytes, whole)
        guard !range.isEmpty else { return nil }
        var displayName: String?
        var angle: Int
        if bytes[range.lowerBound] == UInt8(ascii: "\"") {
            guard let end = SIPBytes.quotedEnd(bytes, from: range.lowerBound, limit: range.upperBound) else { return nil }
            displayName = SIPLexer.unquote(SIPBytes.string(bytes, range.lowerBound..<end))
            var index = end
            while index < range.upperBound, SIPBytes.isSpace(bytes[index]) { index += 1 }
            guard index < range.upperBound, bytes[index] == UInt8(ascii: "<") else { return nil }
            angle = index
        } else if let found = SIPBytes.find(UInt8(ascii: "<"), in: bytes, range) {
            let name = SIPBytes.trim(bytes, range.lowerBound..<found)
            for index in name where !(SIPBytes.has(bytes[index], SIPBytes.token) || SIPBytes.isSpace(bytes[index])) { return nil }
            displayName = name.isEmpty ? nil : SIPBytes.string(bytes, name)
            angle = found
        } else {
            // addr-spec: the URI runs to the first ';' and must not contain '?' or ','.
            let semicolon = SIPBytes.find(UInt8(ascii: ";"), in: bytes, range) ?? range.upperBound
            let uriRange = SIPBytes.trim(bytes, range.lowerBound..<semicolon)
            for index in uriRange where bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: ",") { return nil }
            guard let uri = SIPURI.parse(bytes, uriRange), let params = SIPBytes.parameters(bytes, semicolon..<range.upperBound) else { return nil }
            return SIPNameAddress(uri: uri, parameters: params)
        }
        guard let close = SIPBytes.find(UInt8(ascii: ">"), in: bytes, angle..<range.upperBound), close > angle + 1 else { return nil }
        let inner = (angle + 1)..<close
        guard !SIPBytes.isSpace(bytes[inner.lowerBound]), !SIPBytes.isSpace(bytes[inner.upperBound - 1]),
            let uri = SIPURI.parse(bytes, inner), let params = SIPBytes.parameters(bytes, (close + 1)..<range.upperBound)
        else { return nil }
        return SIPNameAddress(displayName: displayName, uri: uri, parameters: params)
    }
}
