// Byte-level helpers shared by the SIP parsers (RFC 3261 §25 character classes, LWS, quoted strings).

enum SIPLexer {
    /// RFC 3261 `token` characters.
    static let tokenTable: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(byte)] = true }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(byte)] = true }
        for char in "-.!%*_+`'~" { table[Int(char.asciiValue ?? 0)] = true }
        return table
    }()

    @inline(__always) static func isToken(_ byte: UInt8) -> Bool { tokenTable[Int(byte)] }
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    @inline(__always) static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    static func isToken<S: StringProtocol>(_ string: S) -> Bool {
        !string.isEmpty && string.utf8.allSatisfy { isToken($0) }
    }

    /// ASCII case-insensitive comparison without allocating.
    static func equalsIgnoringCase<A: StringProtocol, B: StringProtocol>(_ lhs: A, _ rhs: B) -> Bool {
        let left = lhs.utf8
        let right = rhs.utf8
        guard left.count == right.count else { return false }
        var rightIndex = right.startIndex
        for byte in left {
            if lower(byte) != lower(right[rightIndex]) { return false }
            rightIndex = right.index(after: rightIndex)
        }
        return true
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }

    static func trimmed(_ string: Substring) -> Substring {
        var result = string
        while let first = result.utf8.first, isSpace(first) || first == 0x0D || first == 0x0A {
            result = result.dropFirst()
        }
        while let last = result.utf8.last, isSpace(last) || last == 0x0D || last == 0x0A {
            result = result.dropLast()
        }
        return result
    }

    static func trimmed(_ string: String) -> String { String(trimmed(Substring(string))) }

    /// Splits a header value on commas that are outside quoted strings and angle brackets.
    /// Returns nil when an element is empty (`a,,b`) or a quote is unbalanced.
    static func splitElements(_ value: String) -> [Substring]? {
        var elements: [Substring] = []
        var inQuotes = false
        var inAngle = false
        var escaped = false
        var start = value.startIndex
        var index = value.startIndex
        let utf8 = value.utf8
        while index != value.endIndex {
            let byte = utf8[index]
            if escaped {
                escaped = false
            } else if inQuotes {
                if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            } else if byte == UInt8(ascii: "<") {
                inAngle = true
            } else if byte == UInt8(ascii: ">") {
                inAngle = false
            } else if byte == UInt8(ascii: ","), !inAngle {
                let element = trimmed(value[start..<index])
                if element.isEmpty { return nil }
                elements.append(element)
                start = value.index(after: index)
            }
            index = value.index(after: index)
        }
        if inQuotes { return nil }
        let last = trimmed(value[start...])
        if last.isEmpty { return elements.isEmpty ? [] : nil }
        elements.append(last)
        return elements
    }

    /// Given a substring that starts with `"`, returns the index just past the closing quote.
    static func quotedStringEnd(_ text: Substring) -> Substring.Index? {
        guard text.utf8.first == UInt8(ascii: "\"") else { return nil }
        var index = text.utf8.index(after: text.startIndex)
        var escaped = false
        while index != text.endIndex {
            let byte = text.utf8[index]
            if escaped {
                guard byte != 0x0A && byte != 0x0D else { return nil }
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                return text.utf8.index(after: index)
            }
            index = text.utf8.index(after: index)
        }
        return nil
    }

    /// Removes quotes and backslash escapes from a quoted string (`"a\"b"` → `a"b`).
    static func unquote<S: StringProtocol>(_ text: S) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.first == UInt8(ascii: "\""), utf8.count >= 2, utf8.last == UInt8(ascii: "\"") else {
            return String(text)
        }
        var bytes: [UInt8] = []
        var escaped = false
        for byte in utf8.dropFirst().dropLast() {
            if escaped {
                bytes.append(byte)
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Quotes a string, escaping `"` and `\`.
    static func quote(_ text: String) -> String {
        var result = "\""
        for char in text {
            if char == "\"" || char == "\\" { result.append("\\") }
            result.append(char)
        }
        result.append("\"")
        return result
    }

    /// Parses an unsigned decimal scalar (leading zeros allowed) with an upper bound.
    static func parseUInt<S: StringProtocol>(_ text: S, max: UInt64) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 40 else { return nil }
        var value: UInt64 = 0
        for byte in text.utf8 {
            guard isDigit(byte) else { return nil }
            let (mul, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = mul.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1, !overflow2, sum <= max else { return nil }
            value = sum
        }
        return value
    }
}
