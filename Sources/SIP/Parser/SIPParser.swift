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
        let count = bytes.count
        // Start line.
        guard let firstLF = SIPBytes.find(0x0A, in: bytes, start..<count) else {
            throw SIPParseError(.unterminatedHeaders, "no start line")
        }
        let startLine = start..<((firstLF > start && bytes[firstLF - 1] == 0x0D) ? firstLF - 1 : firstLF)
        let isResponse = startLine.count >= 4 && bytes[start] == UInt8(ascii: "S") && bytes[start + 1] == UInt8(ascii: "I")
            && bytes[start + 2] == UInt8(ascii: "P") && bytes[start + 3] == UInt8(ascii: "/")

        var headers = SIPHeaders()
        headers.reserveCapacity(16)
        var headerError: SIPParseError?
        var contentLengths: [String] = []
        var sawEnd = false
        var position = firstLF + 1
        var folded: [UInt8] = []
        while position < count {
            guard let lineFeed = SIPBytes.find(0x0A, in: bytes, position..<count) else { break }
            let lineEnd = (lineFeed > position && bytes[lineFeed - 1] == 0x0D) ? lineFeed - 1 : lineFeed
            if lineEnd == position {
                position = lineFeed + 1
                sawEnd = true
                break
            }
            var next = lineFeed + 1
            var lineBytes = bytes
            var line = position..<lineEnd
            if next < count, SIPBytes.isSpace(bytes[next]) {
                // Folded header: join continuation lines with one space (slow path).
                folded.removeAll(keepingCapacity: true)
                folded.append(contentsOf: bytes[line])
                while next < count, SIPBytes.isSpace(bytes[next]), let feed = SIPBytes.find(0x0A, in: bytes, next..<count) {
                    let end = (feed > next && bytes[feed - 1] == 0x0D) ? feed - 1 : feed
                    while let last = folded.last, SIPBytes.isSpace(last) { folded.removeLast() }
                    folded.append(0x20)
                    folded.append(contentsOf: bytes[SIPBytes.trim(bytes, next..<end)])
                    next = feed + 1
                }
                lineBytes = folded
                line = 0..<folded.count
            }
            position = next
            if headers.count >= limits.maxHeaderCount {
                headerError = headerError ?? SIPParseError(.tooLarge, "too many header fields")
                continue
            }
            guard let colon = SIPBytes.find(UInt8(ascii: ":"), in: lineBytes, line) else {
                headerError = headerError ?? SIPParseError(.badHeaderLine, "header line without colon", detail: SIPBytes.string(lineBytes, line))
                continue
            }
            var nameEnd = colon
            while nameEnd > line.lowerBound, SIPBytes.isSpace(lineBytes[nameEnd - 1]) { nameEnd -= 1 }
            let name = line.lowerBound..<nameEnd
            var validName = !name.isEmpty
            SIPBytes.classes.withUnsafeBufferPointer { table in
                for index in name where table[Int(lineBytes[index])] & SIPBytes.token == 0 { validName = false }
            }
            guard validName else {
                headerError = headerError ?? SIPParseError(.badHeaderLine, "malformed header name", detail: SIPBytes.string(lineBytes, line))
                continue
            }
            let value = SIPBytes.trim(lineBytes, (colon + 1)..<line.upperBound)
            let canonical = SIPHeaders.canonicalName(lineBytes, name)
            let valueString = SIPBytes.string(lineBytes, value)
            if canonical.utf8.count == 14, canonical == "Content-Length" { contentLengths.append(valueString) }
            headers.appendCanonical(canonical, valueString)
        }
        func fail(_ error: SIPParseError) -> SIPParseError {
            var error = error
            if !isResponse { error.responseHeaders = SIPParser.responseContext(headers) }
            return error
        }

        guard sawEnd else { throw fail(SIPParseError(.unterminatedHeaders, "headers not terminated by an empty line")) }
        if let headerError { throw fail(headerError) }

        // Body framing.
        let bodyStart = position
        var bodyLength = bytes.count - bodyStart
        if !contentLengths.isEmpty {
            guard contentLengths.count == 1 else { throw fail(SIPParseError(.badContentLength, "multiple Content-Length values")) }
            guard let length = SIPLexer.parseUInt(contentLengths[0], max: UInt64(limits.maxMessageSize)) else {
                throw fail(SIPParseError(.badContentLength, "invalid Content-Length", detail: contentLengths[0]))
            }
            guard Int(length) <= bodyLength else {
                throw fail(SIPParseError(.truncatedBody, "body shorter than Content-Length"))
            }
            bodyLength = Int(length)
        }
        let body = bodyLength == 0 ? [] : Array(bytes[bodyStart..<bodyStart + bodyLength])
        let consumed = bodyStart + bodyLength

        if isResponse {
            let response = try SIPParser.parseStatusLine(bytes, startLine, headers: headers, body: body)
            return (.response(response), consumed)
        }
        do {
            let request = try SIPParser.parseRequestLine(bytes, startLine, headers: headers, body: body)
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

    static func parseStatusLine(_ bytes: [UInt8], _ line: Range<Int>, headers: SIPHeaders, body: [UInt8]) throws(SIPParseError) -> SIPResponse {
        guard let firstSpace = SIPBytes.find(0x20, in: bytes, line), isVersion(bytes, line.lowerBound..<firstSpace) else {
            throw SIPParseError(.badStartLine, "malformed status line", detail: SIPBytes.string(bytes, line))
        }
        let codeEnd = SIPBytes.find(0x20, in: bytes, (firstSpace + 1)..<line.upperBound) ?? line.upperBound
        guard codeEnd - firstSpace == 4, let code = SIPBytes.decimal(bytes, (firstSpace + 1)..<codeEnd, max: 699), code >= 100 else {
            throw SIPParseError(.badStatusCode, "invalid status code", detail: SIPBytes.string(bytes, (firstSpace + 1)..<codeEnd))
        }
        let reason = codeEnd < line.upperBound ? SIPBytes.string(bytes, (codeEnd + 1)..<line.upperBound) : ""
        return SIPResponse(statusCode: Int(code), reason: reason, headers: headers, body: body, version: SIPBytes.string(bytes, line.lowerBound..<firstSpace))
    }

    static func parseRequestLine(_ bytes: [UInt8], _ line: Range<Int>, headers: SIPHeaders, body: [UInt8]) throws(SIPParseError) -> SIPRequest {
        guard let first = SIPBytes.find(0x20, in: bytes, line), let second = SIPBytes.find(0x20, in: bytes, (first + 1)..<line.upperBound),
            first > line.lowerBound, second > first + 1, second + 1 < line.upperBound,
            SIPBytes.find(0x20, in: bytes, (second + 1)..<line.upperBound) == nil
        else {
            throw SIPParseError(.badStartLine, "malformed Request-Line", detail: SIPBytes.string(bytes, line))
        }
        for index in line.lowerBound..<first where !SIPBytes.has(bytes[index], SIPBytes.token) {
            throw SIPParseError(.badMethod, "invalid method", detail: SIPBytes.string(bytes, line.lowerBound..<first))
        }
        let versionRange = (second + 1)..<line.upperBound
        guard isVersion(bytes, versionRange) else {
            throw SIPParseError(.badVersion, "invalid SIP version", detail: SIPBytes.string(bytes, versionRange))
        }
        guard let uri = SIPURI.parse(bytes, (first + 1)..<second) else {
            throw SIPParseError(.badURI, "malformed Request-URI", detail: SIPBytes.string(bytes, (first + 1)..<second))
        }
        let version = isStandardVersion(bytes, versionRange) ? SIP.version : SIPBytes.string(bytes, versionRange)
        return SIPRequest(method: SIPMethod(SIPBytes.string(bytes, line.lowerBound..<first)), uri: uri, headers: headers, body: body, version: version)
    }

    static func isStandardVersion(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        range.count == 7 && bytes[range].elementsEqual("SIP/2.0".utf8)
    }

    /// `SIP/digits.digits` (case-insensitive name).
    static func isVersion(_ bytes: [UInt8], _ range: Range<Int>) -> Bool {
        guard range.count >= 7, SIPLexer.lower(bytes[range.lowerBound]) == UInt8(ascii: "s"), SIPLexer.lower(bytes[range.lowerBound + 1]) == UInt8(ascii: "i"),
            SIPLexer.lower(bytes[range.lowerBound + 2]) == UInt8(ascii: "p"), bytes[range.lowerBound + 3] == UInt8(ascii: "/"),
            let dot = SIPBytes.find(UInt8(ascii: "."), in: bytes, (range.lowerBound + 4)..<range.upperBound)
        else { return false }
        let major = (range.lowerBound + 4)..<dot
        let minor = (dot + 1)..<range.upperBound
        return !major.isEmpty && !minor.isEmpty && major.allSatisfy { SIPLexer.isDigit(bytes[$0]) } && minor.allSatisfy { SIPLexer.isDigit(bytes[$0]) }
    }
}

extension SIPHeaders {
    /// Appends a field whose name is already canonical (parser fast path).
    mutating func appendCanonical(_ name: String, _ value: String) {
        appendField(Field(name: name, value: value))
    }
}
