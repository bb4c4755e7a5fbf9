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
        let text = SIPLexer.trimmed(input)
        guard !text.isEmpty else { return nil }
        var displayName: String?
        var rest = text
        if text.utf8.first == UInt8(ascii: "\"") {
            guard let end = SIPLexer.quotedStringEnd(text) else { return nil }
            displayName = SIPLexer.unquote(text[text.startIndex..<end])
            rest = SIPLexer.trimmed(text[end...])
            guard rest.utf8.first == UInt8(ascii: "<") else { return nil }
        } else if let angle = text.utf8.firstIndex(of: UInt8(ascii: "<")) {
            let name = SIPLexer.trimmed(text[text.startIndex..<angle])
            guard name.utf8.allSatisfy({ SIPLexer.isToken($0) || SIPLexer.isSpace($0) }) else { return nil }
            displayName = name.isEmpty ? nil : String(name)
            rest = text[angle...]
        } else {
            // addr-spec: the URI runs to the first ';' and must not contain '?' or ','.
            let semicolon = text.utf8.firstIndex(of: UInt8(ascii: ";")) ?? text.endIndex
            let uriText = SIPLexer.trimmed(text[text.startIndex..<semicolon])
            guard !uriText.utf8.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: ",") }),
                let uri = SIPURI.parse(uriText), let params = SIPLexer.parseParameters(text[semicolon...])
            else { return nil }
            return SIPNameAddress(uri: uri, parameters: params)
        }
        // rest starts with '<'
        guard let close = rest.utf8.firstIndex(of: UInt8(ascii: ">")) else { return nil }
        let inner = rest[rest.utf8.index(after: rest.startIndex)..<close]
        guard let first = inner.utf8.first, let last = inner.utf8.last, !SIPLexer.isSpace(first), !SIPLexer.isSpace(last),
            let uri = SIPURI.parse(inner), let params = SIPLexer.parseParameters(rest[rest.utf8.index(after: close)...])
        else { return nil }
        return SIPNameAddress(displayName: displayName, uri: uri, parameters: params)
    }
}
