// Parsing and escaping for SIPURI (byte-level).

extension SIPURI {
    static func parse(_ text: Substring) -> SIPURI? {
        let bytes = Array(text.utf8)
        return parse(bytes, 0..<bytes.count)
    }

    static func parse(_ bytes: [UInt8], _ range: Range<Int>) -> SIPURI? {
        guard let colon = SIPBytes.find(UInt8(ascii: ":"), in: bytes, range), colon > range.lowerBound else { return nil }
        guard SIPLexer.isAlpha(bytes[range.lowerBound]) else { return nil }
        for index in range.lowerBound..<colon {
            let byte = bytes[index]
            guard SIPLexer.isAlpha(byte) || SIPLexer.isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") else {
                return nil
            }
        }
        let rest = (colon + 1)..<range.upperBound
        guard !rest.isEmpty else { return nil }
        for index in rest where bytes[index] <= 0x20 || bytes[index] == 0x7F { return nil }
        let scheme = schemeName(bytes, range.lowerBound..<colon)
        switch scheme {
        case "sip", "sips": return parseSIP(scheme: scheme, bytes, rest)
        case "tel": return parseTel(bytes, rest)
        default:
            var uri = SIPURI(scheme: scheme, host: "")
            uri.opaque = SIPBytes.string(bytes, rest)
            return uri
        }
    }

    private static func schemeName(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        if range.count == 3, SIPLexer.lower(bytes[range.lowerBound]) == UInt8(ascii: "s"), SIPLexer.lower(bytes[range.lowerBound + 1]) == UInt8(ascii: "i"),
            SIPLexer.lower(bytes[range.lowerBound + 2]) == UInt8(ascii: "p")
        {
            return "sip"
        }
        return String(decoding: bytes[range].map { SIPLexer.lower($0) }, as: UTF8.self)
    }

    private static func parseTel(_ bytes: [UInt8], _ range: Range<Int>) -> SIPURI? {
        let semicolon = SIPBytes.find(UInt8(ascii: ";"), in: bytes, range) ?? range.upperBound
        guard semicolon > range.lowerBound else { return nil }
        for index in range.lowerBound..<semicolon {
            let byte = bytes[index]
            guard SIPLexer.isDigit(byte) || "+-.()*#ABCDabcdpw".utf8.contains(byte) else { return nil }
        }
        guard let params = uriParameters(bytes, semicolon..<range.upperBound) else { return nil }
        return SIPURI(scheme: "tel", user: SIPBytes.string(bytes, range.lowerBound..<semicolon), host: "", parameters: params)
    }

    private static func parseSIP(scheme: String, _ bytes: [UInt8], _ range: Range<Int>) -> SIPURI? {
        var position = range.lowerBound
        var user: String?
        var password: String?
        if let at = SIPBytes.find(UInt8(ascii: "@"), in: bytes, range) {
            let passColon = SIPBytes.find(UInt8(ascii: ":"), in: bytes, range.lowerBound..<at)
            let userEnd = passColon ?? at
            guard userEnd > range.lowerBound, let decoded = unescape(bytes, range.lowerBound..<userEnd, allowed: SIPBytes.userExtra) else { return nil }
            user = decoded
            if let passColon {
                guard let decoded = unescape(bytes, (passColon + 1)..<at, allowed: SIPBytes.passwordExtra) else { return nil }
                password = decoded
            }
            position = at + 1
        }
        let hostRange: Range<Int>
        if position < range.upperBound, bytes[position] == UInt8(ascii: "[") {
            guard let close = SIPBytes.find(UInt8(ascii: "]"), in: bytes, position..<range.upperBound), close > position + 1 else { return nil }
            for index in (position + 1)..<close {
                let byte = bytes[index]
                guard isHexDigit(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: ".") else { return nil }
            }
            hostRange = (position + 1)..<close
            position = close + 1
        } else {
            let start = position
            while position < range.upperBound, SIPBytes.has(bytes[position], SIPBytes.hostChar) { position += 1 }
            hostRange = start..<position
        }
        guard !hostRange.isEmpty else { return nil }
        var port: Int?
        if position < range.upperBound, bytes[position] == UInt8(ascii: ":") {
            let start = position + 1
            position = start
            while position < range.upperBound, SIPLexer.isDigit(bytes[position]) { position += 1 }
            guard let value = SIPBytes.decimal(bytes, start..<position, max: 65535) else { return nil }
            port = Int(value)
        }
        let question = SIPBytes.find(UInt8(ascii: "?"), in: bytes, position..<range.upperBound) ?? range.upperBound
        guard let params = uriParameters(bytes, position..<question) else { return nil }
        var headers: [SIPParameter] = []
        if question < range.upperBound {
            var start = question + 1
            while start <= range.upperBound {
                let end = SIPBytes.find(UInt8(ascii: "&"), in: bytes, start..<range.upperBound) ?? range.upperBound
                guard let equals = SIPBytes.find(UInt8(ascii: "="), in: bytes, start..<end), equals > start else { return nil }
                for index in start..<end where !(SIPBytes.has(bytes[index], SIPBytes.unreserved | SIPBytes.headerExtra) || bytes[index] == UInt8(ascii: "=")) {
                    return nil
                }
                headers.append(SIPParameter(name: SIPBytes.string(bytes, start..<equals), value: SIPBytes.string(bytes, (equals + 1)..<end)))
                start = end + 1
            }
        }
        var uri = SIPURI(scheme: scheme, user: user, password: password, host: SIPBytes.string(bytes, hostRange), port: port, parameters: params)
        uri.headers = headers
        return uri
    }

    private static func uriParameters(_ bytes: [UInt8], _ range: Range<Int>) -> [SIPParameter]? {
        guard !range.isEmpty else { return [] }
        guard bytes[range.lowerBound] == UInt8(ascii: ";") else { return nil }
        var params: [SIPParameter] = []
        var start = range.lowerBound + 1
        while start <= range.upperBound {
            let end = SIPBytes.find(UInt8(ascii: ";"), in: bytes, start..<range.upperBound) ?? range.upperBound
            guard end > start else { return nil }
            var equals: Int?
            for index in start..<end {
                let byte = bytes[index]
                if byte == UInt8(ascii: "=") {
                    if equals == nil { equals = index }
                } else if !SIPBytes.has(byte, SIPBytes.unreserved | SIPBytes.paramExtra) {
                    return nil
                }
            }
            if let equals {
                guard equals > start else { return nil }
                params.append(SIPParameter(name: SIPBytes.string(bytes, start..<equals), value: SIPBytes.string(bytes, (equals + 1)..<end)))
            } else {
                params.append(SIPParameter(name: SIPBytes.string(bytes, start..<end)))
            }
            start = end + 1
        }
        return params
    }

    @inline(__always) static func isHexDigit(_ byte: UInt8) -> Bool {
        SIPLexer.isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    /// Percent-decodes, allowing only unreserved, `allowed` class and `%HH`. Nil on anything else.
    static func unescape(_ bytes: [UInt8], _ range: Range<Int>, allowed: UInt8) -> String? {
        var hasEscape = false
        for index in range {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                hasEscape = true
            } else if !SIPBytes.has(byte, SIPBytes.unreserved | allowed) {
                return nil
            }
        }
        if !hasEscape { return SIPBytes.string(bytes, range) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < range.upperBound,
                    isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2])
                else { return nil }
                out.append(hexValue(bytes[index + 1]) << 4 | hexValue(bytes[index + 2]))
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func escape(_ text: String, allowed: UInt8) -> String {
        if text.utf8.allSatisfy({ SIPBytes.has($0, SIPBytes.unreserved | allowed) }) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in text.utf8 {
            if SIPBytes.has(byte, SIPBytes.unreserved | allowed) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        default: byte - 0x61 + 10
        }
    }
}
