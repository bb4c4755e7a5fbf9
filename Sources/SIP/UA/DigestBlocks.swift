// What MD5.swift and SHA256.swift share: the Merkle–Damgård padding of a message into 64-byte blocks (RFC 1321
// §3.1–3.2, FIPS 180-4 §5.1.1; they differ only in the byte order of the length) and the lowercase hex of a
// digest as SIP digest authentication writes it.

enum DigestBlocks {
    /// `message`, a 0x80 byte, zeros up to 56 mod 64, then the bit length in 8 bytes (little- or big-endian).
    static func padded(_ message: [UInt8], lengthBigEndian: Bool) -> [UInt8] {
        var data = message
        let bitLength = UInt64(message.count) &* 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        let shifts = lengthBigEndian ? Array(stride(from: 56, through: 0, by: -8)) : Array(stride(from: 0, to: 64, by: 8))
        for shift in shifts { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        return data
    }

    /// Lowercase hex of `digest(text's UTF-8 bytes)`.
    static func hex(_ text: String, _ digest: ([UInt8]) -> [UInt8]) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest(Array(text.utf8)) {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
