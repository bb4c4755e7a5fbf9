// Wire (pure): a byte scanner for the common streamed chunk, a plain audio delta
// (`{"choices":[{"index":0,"delta":{"audio":{"id"?,"data"?,"transcript"?,"expires_at"?}},"finish_reason":null}]}`
// plus ignored members). It validates the whole document as JSON and returns where the audio fields lie,
// without building values. It answers `nil` whenever the chunk holds anything else the full decoder acts on
// (tool calls, content, a finish reason, usage, errors, several choices) or anything it is unsure of
// (escapes in keys or in the fields it returns, except "\/" in base64, duplicate keys it reads, exponents, deep nesting): the caller
// then decodes the chunk with the full JSON decoder, so both paths always give the same result.
import Foundation

/// Where the audio fields of a plain audio-delta chunk lie in its bytes (escape-free string contents).
struct AudioDeltaSpans: Equatable {
    var id: Range<Int>?
    var data: Range<Int>?
    var transcript: Range<Int>?
    var expiresAt: Int?
}

struct AudioDeltaScanner {
    private enum Level { case top, choice, delta, audio }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private var spans = AudioDeltaSpans()

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> AudioDeltaSpans? {
        var scanner = AudioDeltaScanner(bytes: bytes)
        scanner.skipSpace()
        guard scanner.peek == UInt8(ascii: "{"), scanner.object(.top) else { return nil }
        scanner.skipSpace()
        return scanner.index == bytes.count ? scanner.spans : nil
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    private var peek: UInt8 { index < bytes.count ? bytes[index] : 0 }

    private mutating func skipSpace() {
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// An object at `index` ("{"); `level` nil only validates it.
    private mutating func object(_ level: Level?) -> Bool {
        depth += 1
        guard depth <= 32 else { return false }
        index += 1
        var seen: UInt8 = 0
        skipSpace()
        if peek == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                guard peek == UInt8(ascii: "\""), let key = plainString() else { return false }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return false }
                index += 1
                skipSpace()
                if let level {
                    guard member(level, key: key, seen: &seen) else { return false }
                } else {
                    guard skipValue() else { return false }
                }
                skipSpace()
                if peek == UInt8(ascii: ",") {
                    index += 1
                    skipSpace()
                } else if peek == UInt8(ascii: "}") {
                    index += 1
                    break
                } else {
                    return false
                }
            }
        }
        depth -= 1
        return level != .top || seen & 1 != 0  // a chunk without `choices` may be an error body
    }

    /// One member of an object the decoder reads. `seen` has one bit per key read at this level (duplicates → nil).
    private mutating func member(_ level: Level, key: Range<Int>, seen: inout UInt8) -> Bool {
        guard let which = keyIndex(level, key) else { return skipValue() }
        let bit = UInt8(1) << which
        guard seen & bit == 0 else { return false }
        seen |= bit
        switch (level, which) {
        case (.top, 0): return choices()
        case (.top, 1), (.choice, 2), (.delta, 1), (.delta, 3): return literal("null")  // a refusal: full decoder
        case (.choice, 0): return number(integerOnly: true).map { $0 == 0 } ?? false
        case (.choice, 1): return peek == UInt8(ascii: "{") && object(.delta)
        case (.delta, 0): return peek == UInt8(ascii: "{") && object(.audio)
        case (.audio, 3):
            if peek == UInt8(ascii: "n") { return literal("null") }
            guard let value = number(integerOnly: true) else { return false }
            spans.expiresAt = value
            return true
        case (.audio, _):
            if peek == UInt8(ascii: "n") { return literal("null") }
            guard peek == UInt8(ascii: "\"") else { return false }
            guard let range = which == 1 ? quotedRun() : plainString() else { return false }
            if which == 0 { spans.id = range } else if which == 1 { spans.data = range } else { spans.transcript = range }
            return true
        default:
            return false  // `error`, `tool_calls`: the full decoder's business
        }
    }

    /// Which of the keys the decoder reads at `level` this is.
    private func keyIndex(_ level: Level, _ key: Range<Int>) -> Int? {
        switch level {
        case .top:
            if equals(key, "choices") { return 0 }
            if equals(key, "usage") { return 1 }
            if equals(key, "error") { return 2 }
        case .choice:
            if equals(key, "index") { return 0 }
            if equals(key, "delta") { return 1 }
            if equals(key, "finish_reason") { return 2 }
        case .delta:
            if equals(key, "audio") { return 0 }
            if equals(key, "content") { return 1 }
            if equals(key, "tool_calls") { return 2 }
            if equals(key, "refusal") { return 3 }
        case .audio:
            if equals(key, "id") { return 0 }
            if equals(key, "data") { return 1 }
            if equals(key, "transcript") { return 2 }
            if equals(key, "expires_at") { return 3 }
        }
        return nil
    }

    /// `choices`: exactly one object.
    private mutating func choices() -> Bool {
        guard peek == UInt8(ascii: "[") else { return false }
        index += 1
        skipSpace()
        guard peek == UInt8(ascii: "{"), object(.choice) else { return false }
        skipSpace()
        guard peek == UInt8(ascii: "]") else { return false }
        index += 1
        return true
    }

    private func equals(_ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        let letters = name.utf8Start
        for offset in 0..<range.count where bytes[range.lowerBound + offset] != letters[offset] { return false }
        return true
    }

    /// A string without escapes or control bytes; returns its contents.
    private mutating func plainString() -> Range<Int>? {
        let start = index + 1
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                return start..<position
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            position += 1
        }
        return nil
    }

    /// The bytes up to the next quote (memchr): for base64 data, whose decoder refuses any escape but "\/" and any
    /// control byte (so a quote found after a backslash is refused there).
    private mutating func quotedRun() -> Range<Int>? {
        let start = index + 1
        guard start <= bytes.count, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + start, Int32(UInt8(ascii: "\"")), bytes.count - start) else { return nil }
        let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        index = end + 1
        return start..<end
    }

    /// Any JSON value, validated and skipped.
    private mutating func skipValue() -> Bool {
        switch peek {
        case UInt8(ascii: "{"): return object(nil)
        case UInt8(ascii: "["): return skipArray()
        case UInt8(ascii: "\""): return skipString()
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number(integerOnly: false) != nil
        }
    }

    private mutating func skipArray() -> Bool {
        depth += 1
        guard depth <= 32 else { return false }
        index += 1
        skipSpace()
        if peek == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                guard skipValue() else { return false }
                skipSpace()
                if peek == UInt8(ascii: ",") {
                    index += 1
                    skipSpace()
                } else if peek == UInt8(ascii: "]") {
                    index += 1
                    break
                } else {
                    return false
                }
            }
        }
        depth -= 1
        return true
    }

    /// A string with escapes checked (`\u` surrogates refused: unsure how the full decoder treats lone ones).
    private mutating func skipString() -> Bool {
        var position = index + 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                return true
            }
            if byte < 0x20 { return false }
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < bytes.count else { return false }
                let escaped = bytes[position + 1]
                if escaped == UInt8(ascii: "u") {
                    guard position + 5 < bytes.count else { return false }
                    var value: UInt32 = 0
                    for offset in 2...5 {
                        guard let digit = hexValue(bytes[position + offset]) else { return false }
                        value = value << 4 | digit
                    }
                    guard !(0xD800...0xDFFF).contains(value) else { return false }
                    position += 6
                    continue
                }
                guard "\"\\/bfnrt".utf8.contains(escaped) else { return false }
                position += 2
                continue
            }
            position += 1
        }
        return false
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count, equals(index..<index + count, word) else { return false }
        index += count
        return true
    }

    /// A number in JSON's grammar, at most 15 digits and no exponent (else unsure). Returns its integer value,
    /// or 0 for a fraction when `integerOnly` is false; `nil` when refused.
    private mutating func number(integerOnly: Bool) -> Int? {
        var position = index
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let digitsStart = position
        var value = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            value = value &* 10 &+ Int(bytes[position] - UInt8(ascii: "0"))  // used only when ≤ 15 digits
            position += 1
        }
        let digits = position - digitsStart
        guard digits > 0, digits <= 15, digits == 1 || bytes[digitsStart] != UInt8(ascii: "0") else { return nil }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            guard !integerOnly else { return nil }
            position += 1
            let fractionStart = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            guard position > fractionStart, position - fractionStart <= 15 else { return nil }
            value = 0
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") { return nil }
        index = position
        return negative ? -value : value
    }
}
