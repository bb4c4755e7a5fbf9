// Parses one SIP message from a datagram (UDP framing: Content-Length bounds the body; extra bytes are
// ignored; a missing Content-Length means "the rest of the datagram").

/// Byte-level SIP message parser. Strict about the start line and header syntax, tolerant of folding,
/// odd case, compact forms and leading CRLFs. Deep header checks (Via/From/To grammar, CSeq method, …) live
/// in `SIPRequestValidator`.
public struct SIPParser: Sendable {
    /// Size limits applied while parsing.
    public struct Limits: Sendable, Hashable {
        /// Largest accepted message (headers + body), in bytes.
        public var maxMessageSize: Int
        /// Most header lines.
        public var maxHeaderCount: Int

        public init(maxMessageSize: Int = 65_535, maxHeaderCount: Int = 256) {
            self.maxMessageSize = maxMessageSize
            self.maxHeaderCount = maxHeaderCount
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Parses one message from `bytes`.
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(SIPParseError) -> SIPMessage {
        try SIPParser(limits: limits).parse(bytes)
    }

    /// Parses one message from a UTF-8 string (test convenience).
    public static func parse(_ text: String) throws(SIPParseError) -> SIPMessage {
        try parse(Array(text.utf8))
    }

    /// Parses one message from `bytes` (one UDP datagram).
    public func parse(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        try parsePrefix(bytes).message
    }

    /// Parses the message at the start of `bytes`; `consumed` is how many bytes it used (headers + body).
    public func parsePrefix(_ bytes: [UInt8]) throws(SIPParseError) -> (message: SIPMessage, consumed: Int) {
        var start = 0
        while start + 1 < bytes.count, bytes[start] == 0x0D, bytes[start + 1] == 0x0A { start += 2 }
        while start < bytes.count, bytes[start] == 0x0A { start += 1 }
        guard start < bytes.count else { throw SIPParseError(.empty, "empty datagram") }
        guard bytes.count <= limits.maxMessageSize else {
            throw SIPParseError(.tooLarge, "message larger than \(limits.maxMessageSize) bytes")
        }
        var lines = SIPLineReader(bytes: bytes, position: start)
        guard let startLine = lines.nextLine() else { throw SIPParseError(.unterminatedHeaders, "no start line") }
        let isResponse = startLine.count >= 4 && bytes[startLine.lowerBound..<startLine.lowerBound + 4].elementsEqual("SIP/".utf8)

        var headers = SIPHeaders()
        var headerError: SIPParseError?
        var contentLengths: [Substring] = []
        var sawEnd = false
        while let line = lines.nextUnfoldedLine() {
            if line.isEmpty { sawEnd = true; break }
            if headers.count >= limits.maxHeaderCount {
                headerError = headerError ?? SIPParseError(.tooLarge, "too many header fields")
                continue
            }
            guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else {
                headerError = headerError ?? SIPParseError(.badHeaderLine, "header line without colon", detail: String(line))
                continue
            }
            var nameEnd = colon
            let nameUTF8 = line.utf8
            while nameEnd > line.startIndex, SIPLexer.isSpace(nameUTF8[nameUTF8.index(before: nameEnd)]) {
                nameEnd = nameUTF8.index(before: nameEnd)
            }
            let name = line[line.startIndex..<nameEnd]
            guard SIPLexer.isToken(name) else {
                headerError = headerError ?? SIPParseError(.badHeaderLine, "malformed header name", detail: String(line))
                continue
            }
            let value = SIPLexer.trimmed(line[line.utf8.index(after: colon)...])
            let canonical = SIPHeaders.canonicalName(String(name))
            if canonical == "Content-Length" { contentLengths.append(value) }
            headers.appendCanonical(canonical, String(value))
        }

        func fail(_ error: SIPParseError) -> SIPParseError {
            var error = error
            if !isResponse { error.responseHeaders = SIPParser.responseContext(headers) }
            return error
        }

        guard sawEnd else { throw fail(SIPParseError(.unterminatedHeaders, "headers not terminated by an empty line")) }
        if let headerError { throw fail(headerError) }

        // Body framing.
        let bodyStart = lines.position
        var bodyLength = bytes.count - bodyStart
        if !contentLengths.isEmpty {
            guard contentLengths.count == 1 else { throw fail(SIPParseError(.badContentLength, "multiple Content-Length values")) }
            guard let length = SIPLexer.parseUInt(contentLengths[0], max: UInt64(limits.maxMessageSize)) else {
                throw fail(SIPParseError(.badContentLength, "invalid Content-Length", detail: String(contentLengths[0])))
            }
            guard Int(length) <= bodyLength else {
                throw fail(SIPParseError(.truncatedBody, "body shorter than Content-Length"))
            }
            bodyLength = Int(length)
        }
        let body = bodyLength == 0 ? [] : Array(bytes[bodyStart..<bodyStart + bodyLength])
        let consumed = bodyStart + bodyLength

        if isResponse {
            let response = try SIPParser.parseStatusLine(bytes[startLine], headers: headers, body: body)
            return (.response(response), consumed)
        }
        do {
            let request = try SIPParser.parseRequestLine(bytes[startLine], headers: headers, body: body)
            return (.request(request), consumed)
        } catch {
            throw fail(error)
        }
    }

    /// The headers a 400 needs, or nil if no Via was readable.
    static func responseContext(_ headers: SIPHeaders) -> SIPHeaders? {
        guard let vias = headers.elements("Via"), !vias.isEmpty, vias.allSatisfy({ SIPVia.parse(Substring($0)) != nil }) else {
            return nil
        }
        var context = SIPHeaders()
        for field in headers.fields where ["Via", "From", "To", "Call-ID", "CSeq"].contains(field.name) {
            context.appendCanonical(field.name, field.value)
        }
        return context
    }

    static func parseStatusLine(_ line: ArraySlice<UInt8>, headers: SIPHeaders, body: [UInt8]) throws(SIPParseError) -> SIPResponse {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, isVersion(parts[0]) else {
            throw SIPParseError(.badStartLine, "malformed status line", detail: text)
        }
        guard parts[1].utf8.count == 3, let code = SIPLexer.parseUInt(parts[1], max: 699), code >= 100 else {
            throw SIPParseError(.badStatusCode, "invalid status code", detail: String(parts[1]))
        }
        let reason = parts.count == 3 ? String(parts[2]) : ""
        return SIPResponse(statusCode: Int(code), reason: reason, headers: headers, body: body, version: String(parts[0]))
    }

    static func parseRequestLine(_ line: ArraySlice<UInt8>, headers: SIPHeaders, body: [UInt8]) throws(SIPParseError) -> SIPRequest {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts.contains(where: { $0.isEmpty }) else {
            throw SIPParseError(.badStartLine, "malformed Request-Line", detail: text)
        }
        guard SIPLexer.isToken(parts[0]) else { throw SIPParseError(.badMethod, "invalid method", detail: String(parts[0])) }
        guard isVersion(parts[2]) else { throw SIPParseError(.badVersion, "invalid SIP version", detail: String(parts[2])) }
        guard let uri = SIPURI.parse(parts[1]) else { throw SIPParseError(.badURI, "malformed Request-URI", detail: String(parts[1])) }
        return SIPRequest(method: SIPMethod(String(parts[0])), uri: uri, headers: headers, body: body, version: String(parts[2]))
    }

    /// `SIP/digits.digits` (case-insensitive name).
    static func isVersion(_ text: Substring) -> Bool {
        guard text.utf8.count >= 7, SIPLexer.equalsIgnoringCase(text.prefix(4), "SIP/") else { return false }
        let numbers = text.dropFirst(4).split(separator: ".", omittingEmptySubsequences: false)
        return numbers.count == 2 && numbers.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(SIPLexer.isDigit) }
    }
}

extension SIPHeaders {
    /// Appends a field whose name is already canonical (parser fast path).
    mutating func appendCanonical(_ name: String, _ value: String) {
        appendField(Field(name: name, value: value))
    }
}
