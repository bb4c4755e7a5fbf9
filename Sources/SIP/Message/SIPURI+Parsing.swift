// Parsing and escaping for SIPURI.

extension SIPURI {
    static let unreservedMarks = Set("-_.!~*'()".utf8)
    static let userAllowed: Set<UInt8> = unreservedMarks.union("&=+$,;?/".utf8)
    static let passwordAllowed: Set<UInt8> = unreservedMarks.union("&=+$,".utf8)
    static let paramAllowed: Set<UInt8> = unreservedMarks.union("[]/:&+$%".utf8)
    static let headerAllowed: Set<UInt8> = unreservedMarks.union("[]/?:+$%".utf8)

    static func parse(_ text: Substring) -> SIPURI? {
        guard let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let schemeText = text[text.startIndex..<colon]
        guard let first = schemeText.utf8.first, SIPLexer.isAlpha(first),
            schemeText.utf8.allSatisfy({ SIPLexer.isAlpha($0) || SIPLexer.isDigit($0) || "+-.".utf8.contains($0) })
        else { return nil }
        let scheme = schemeText.lowercased()
        let rest = text[text.utf8.index(after: colon)...]
        guard !rest.isEmpty, !rest.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return nil }
        switch scheme {
        case "sip", "sips": return parseSIP(scheme: scheme, rest)
        case "tel": return parseTel(rest)
        default:
            var uri = SIPURI(scheme: scheme, host: "")
            uri.opaque = String(rest)
            return uri
        }
    }

    private static func parseTel(_ rest: Substring) -> SIPURI? {
        let semicolon = rest.utf8.firstIndex(of: UInt8(ascii: ";")) ?? rest.endIndex
        let number = rest[rest.startIndex..<semicolon]
        guard !number.isEmpty, number.utf8.allSatisfy({ SIPLexer.isDigit($0) || "+-.()*#ABCDabcdpw".utf8.contains($0) }),
            let params = parseURIParams(rest[semicolon...])
        else { return nil }
        return SIPURI(scheme: "tel", user: String(number), host: "", parameters: params)
    }

    private static func parseSIP(scheme: String, _ rest: Substring) -> SIPURI? {
        var remainder = rest
        var user: String?
        var password: String?
        if let at = remainder.utf8.firstIndex(of: UInt8(ascii: "@")) {
            let userinfo = remainder[remainder.startIndex..<at]
            remainder = remainder[remainder.utf8.index(after: at)...]
            let passColon = userinfo.utf8.firstIndex(of: UInt8(ascii: ":"))
            let userPart = userinfo[userinfo.startIndex..<(passColon ?? userinfo.endIndex)]
            guard !userPart.isEmpty, let decodedUser = unescape(userPart, allowed: userAllowed) else { return nil }
            user = decodedUser
            if let passColon {
                guard let decoded = unescape(userinfo[userinfo.utf8.index(after: passColon)...], allowed: passwordAllowed)
                else { return nil }
                password = decoded
            }
        }
        // host
        var host: Substring
        var afterHost: Substring
        if remainder.utf8.first == UInt8(ascii: "[") {
            guard let close = remainder.utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            host = remainder[remainder.utf8.index(after: remainder.startIndex)..<close]
            guard !host.isEmpty, host.utf8.allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") })
            else { return nil }
            afterHost = remainder[remainder.utf8.index(after: close)...]
        } else {
            let end = remainder.utf8.firstIndex { !(SIPLexer.isAlpha($0) || SIPLexer.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")) } ?? remainder.endIndex
            host = remainder[remainder.startIndex..<end]
            afterHost = remainder[end...]
        }
        guard !host.isEmpty else { return nil }
        var port: Int?
        if afterHost.utf8.first == UInt8(ascii: ":") {
            let digits = afterHost.dropFirst()
            let end = digits.utf8.firstIndex { !SIPLexer.isDigit($0) } ?? digits.endIndex
            guard let value = SIPLexer.parseUInt(digits[digits.startIndex..<end], max: 65535) else { return nil }
            port = Int(value)
            afterHost = digits[end...]
        }
        let question = afterHost.utf8.firstIndex(of: UInt8(ascii: "?")) ?? afterHost.endIndex
        guard let params = parseURIParams(afterHost[afterHost.startIndex..<question]) else { return nil }
        var headers: [SIPParameter] = []
        if question != afterHost.endIndex {
            let headerText = afterHost[afterHost.utf8.index(after: question)...]
            for pair in headerText.split(separator: "&", omittingEmptySubsequences: false) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty,
                    pair.utf8.allSatisfy({ isUnreserved($0) || headerAllowed.contains($0) || $0 == UInt8(ascii: "=") })
                else { return nil }
                headers.append(SIPParameter(name: String(parts[0]), value: String(parts[1])))
            }
        }
        var uri = SIPURI(scheme: scheme, user: user, password: password, host: String(host), port: port, parameters: params)
        uri.headers = headers
        return uri
    }

    private static func parseURIParams(_ text: Substring) -> [SIPParameter]? {
        guard !text.isEmpty else { return [] }
        guard text.utf8.first == UInt8(ascii: ";") else { return nil }
        var params: [SIPParameter] = []
        for piece in text.dropFirst().split(separator: ";", omittingEmptySubsequences: false) {
            guard !piece.isEmpty, piece.utf8.allSatisfy({ isUnreserved($0) || paramAllowed.contains($0) || $0 == UInt8(ascii: "=") })
            else { return nil }
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard !parts[0].isEmpty else { return nil }
            params.append(SIPParameter(name: String(parts[0]), value: parts.count == 2 ? String(parts[1]) : nil))
        }
        return params
    }

    @inline(__always) static func isHexDigit(_ byte: UInt8) -> Bool {
        SIPLexer.isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    @inline(__always) static func isUnreserved(_ byte: UInt8) -> Bool {
        SIPLexer.isAlpha(byte) || SIPLexer.isDigit(byte) || unreservedMarks.contains(byte)
    }

    /// Percent-decodes `text`, allowing only unreserved, `allowed` and `%HH`. Nil on anything else.
    static func unescape(_ text: Substring, allowed: Set<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(), isHexDigit(high), isHexDigit(low) else { return nil }
                bytes.append(hexValue(high) << 4 | hexValue(low))
            } else if isUnreserved(byte) || allowed.contains(byte) {
                bytes.append(byte)
            } else {
                return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func escape(_ text: String, allowed: Set<UInt8>) -> String {
        if text.utf8.allSatisfy({ isUnreserved($0) || allowed.contains($0) }) { return text }
        var result = ""
        for byte in text.utf8 {
            if isUnreserved(byte) || allowed.contains(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                result.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "%")))
                result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                result.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0xF)]))
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        default: byte - 0x61 + 10
        }
    }
}
