// Wire (pure): a table-driven decoder for strict, padded standard base64 (RFC 4648 §4), writing straight
// into the caller's memory. Anything else (whitespace, URL-safe letters, missing or inner padding, non-zero
// trailing bits) is refused with `nil`: the caller then takes the lenient Foundation path.

enum Base64Strict {
    /// 0...63 for alphabet letters, 0xFF otherwise ("=" included: padding is handled apart).
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, letter) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(letter)] = UInt8(value)
        }
        return table
    }()

    /// Bytes `decode` writes at most for `count` letters.
    static func maxDecodedCount(_ count: Int) -> Int { count / 4 * 3 }

    /// Decodes `input` into `output` (room for `maxDecodedCount(input.count)` bytes); returns the bytes written,
    /// or `nil` when `input` is not strict padded base64.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int? {
        let count = input.count
        guard count % 4 == 0 else { return nil }
        guard count > 0, let base = input.baseAddress else { return 0 }
        return table.withUnsafeBufferPointer { table -> Int? in
            var bad: UInt8 = 0
            var read = 0
            var written = 0
            // Every quantum but the last has no padding.
            while read + 4 < count {
                let a = table[Int(base[read])]
                let b = table[Int(base[read + 1])]
                let c = table[Int(base[read + 2])]
                let d = table[Int(base[read + 3])]
                bad |= a | b | c | d
                output[written] = a << 2 | b >> 4
                output[written + 1] = b << 4 | c >> 2
                output[written + 2] = c << 6 | d
                read += 4
                written += 3
            }
            guard bad & 0xC0 == 0 else { return nil }
            let a = table[Int(base[read])]
            let b = table[Int(base[read + 1])]
            guard (a | b) & 0xC0 == 0 else { return nil }
            output[written] = a << 2 | b >> 4
            let third = base[read + 2]
            let fourth = base[read + 3]
            if third == 0x3D {
                // "xx==": one byte; the unused bits of b must be zero.
                guard fourth == 0x3D, b & 0x0F == 0 else { return nil }
                return written + 1
            }
            let c = table[Int(third)]
            guard c & 0xC0 == 0 else { return nil }
            output[written + 1] = b << 4 | c >> 2
            if fourth == 0x3D {
                guard c & 0x03 == 0 else { return nil }
                return written + 2
            }
            let d = table[Int(fourth)]
            guard d & 0xC0 == 0 else { return nil }
            output[written + 2] = c << 6 | d
            return written + 3
        }
    }
}
