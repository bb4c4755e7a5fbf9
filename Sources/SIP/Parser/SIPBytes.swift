// Byte-level scanning primitives used by the hot parsing paths (no String work per character).

import Foundation  // memchr

enum SIPBytes {
    // Character-class bits.
    static let token: UInt8 = 1
    static let unreserved: UInt8 = 2
    static let userExtra: UInt8 = 4  // & = + $ , ; ? /
    static let passwordExtra: UInt8 = 8  // & = + $ ,
    static let paramExtra: UInt8 = 16  // [ ] / : & + $ %  (and '=' handled separately)
    static let headerExtra: UInt8 = 32  // [ ] / ? : + $ %
    static let hostChar: UInt8 = 64  // alnum - . _

    static let classes: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        func mark(_ chars: String, _ bit: UInt8) { for byte in chars.utf8 { table[Int(byte)] |= bit } }
        let alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        mark(alnum, token | unreserved | hostChar)
        mark("-.!%*_+`'~", token)
        mark("-_.!~*'()", unreserved)
        mark("&=+$,;?/", userExtra)
        mark("&=+$,", passwordExtra)
        mark("[]/:&+$%", paramExtra)
        mark("[]/?:+$%", headerExtra)
        mark("-._", hostChar)
        return table
    }()

    @inline(__always) static func has(_ byte: UInt8, _ bit: UInt8) -> Bool { classes[Int(byte)] & bit != 0 }
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// First index in `range` whose byte is `target`.
    @inline(__always) static func find(_ target: UInt8, in bytes: [UInt8], _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress, let found = memchr(base + range.lowerBound, Int32(target), range.count) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// `range` without leading/trailing SP, HT, CR, LF.
    @inline(__always) static func trim(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower] <= 0x20, isSpace(bytes[lower]) || bytes[lower] == 0x0D || bytes[lower] == 0x0A { lower += 1 }
        while upper > lower, bytes[upper - 1] <= 0x20, isSpace(bytes[upper - 1]) || bytes[upper - 1] == 0x0D || bytes[upper - 1] == 0x0A { upper -= 1 }
        return lower..<upper
    }

    @inline(__always) static func string(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// Given `bytes[start] == '"'`, the index just past the closing quote (nil if unterminated).
    static func quotedEnd(_ bytes: [UInt8], from start: Int, limit: Int) -> Int? {
        var index = start + 1
        while index < limit {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < limit, bytes[index + 1] != 0x0A, bytes[index + 1] != 0x0D else { return nil }
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") { return index + 1 }
            index += 1
        }
        return nil
    }

    /// Comma-separated elements outside quotes and `<>`; nil on an empty element or unbalanced quote.
    static func splitElements(_ bytes: [UInt8], _ range: Range<Int>) -> [Range<Int>]? {
        var elements: [Range<Int>] = []
        var start = range.lowerBound
        var index = range.lowerBound
        var inAngle = false
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                guard let end = quotedEnd(bytes, from: index, limit: range.upperBound) else { return nil }
                index = end
                continue
            }
            if byte == UInt8(ascii: "<") {
                inAngle = true
            } else if byte == UInt8(ascii: ">") {
                inAngle = false
            } else if byte == UInt8(ascii: ","), !inAngle {
                let element = trim(bytes, start..<index)
                if element.isEmpty { return nil }
                elements.append(element)
                start = index + 1
            }
            index += 1
        }
        let last = trim(bytes, start..<range.upperBound)
        if last.isEmpty { return elements.isEmpty ? [] : nil }
        elements.append(last)
        return elements
    }

    /// `;name[=value]` header parameters (LWS around `;` and `=`; token, host or quoted values).
    static func parameters(_ bytes: [UInt8], _ range: Range<Int>) -> [SIPParameter]? {
        var params: [SIPParameter] = []
        var index = trim(bytes, range).lowerBound
        let end = trim(bytes, range).upperBound
        while index < end {
            guard bytes[index] == UInt8(ascii: ";") else { return nil }
            index += 1
            while index < end, isSpace(bytes[index]) { index += 1 }
            let nameStart = index
            while index < end, has(bytes[index], token) { index += 1 }
            guard index > nameStart else { return nil }
            let name = string(bytes, nameStart..<index)
            while index < end, isSpace(bytes[index]) { index += 1 }
            var value: String?
            if index < end, bytes[index] == UInt8(ascii: "=") {
                index += 1
                while index < end, isSpace(bytes[index]) { index += 1 }
                if index < end, bytes[index] == UInt8(ascii: "\"") {
                    guard let close = quotedEnd(bytes, from: index, limit: end) else { return nil }
                    value = string(bytes, index..<close)
                    index = close
                } else {
                    let valueStart = index
                    while index < end, has(bytes[index], token) || bytes[index] == UInt8(ascii: ":") || bytes[index] == UInt8(ascii: "[")
                        || bytes[index] == UInt8(ascii: "]")
                    {
                        index += 1
                    }
                    guard index > valueStart else { return nil }
                    value = string(bytes, valueStart..<index)
                }
                while index < end, isSpace(bytes[index]) { index += 1 }
            }
            params.append(SIPParameter(name: name, value: value))
        }
        return params
    }

    /// Unsigned decimal with an upper bound.
    static func decimal(_ bytes: [UInt8], _ range: Range<Int>, max: UInt64) -> UInt64? {
        guard !range.isEmpty, range.count <= 40 else { return nil }
        var value: UInt64 = 0
        for index in range {
            let byte = bytes[index]
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (mul, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = mul.addingReportingOverflow(UInt64(byte - 0x30))
            guard !overflow1, !overflow2, sum <= max else { return nil }
            value = sum
        }
        return value
    }
}
