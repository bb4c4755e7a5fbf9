// The scalar G.711 conversions (ITU-T G.711, as in the Sun reference code that sox also uses) and the lookup
// tables built from them. 16-bit input is first rounded to the law's uniform PCM range (14 bits for µ-law,
// 13 bits for A-law, half-up as sox does), then coded with G.711's segment tables.

extension G711 {
    private static let ulawSegmentEnds: [Int32] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]
    private static let alawSegmentEnds: [Int32] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]

    private static func segment(_ value: Int32, _ ends: [Int32]) -> Int32 {
        for (i, end) in ends.enumerated() where value <= end { return Int32(i) }
        return 8
    }

    /// µ-law code of one 16-bit linear sample (computed, not from the table).
    public static func ulawEncodeScalar(_ sample: Int16) -> UInt8 {
        var pcm = min((Int32(sample) + 2) >> 2, 8191)
        let mask: Int32
        if pcm < 0 {
            pcm = -pcm
            mask = 0x7F
        } else {
            mask = 0xFF
        }
        pcm = min(pcm, 8159) + (0x84 >> 2)
        let seg = segment(pcm, ulawSegmentEnds)
        if seg >= 8 { return UInt8(truncatingIfNeeded: 0x7F ^ mask) }
        let uval = (seg << 4) | ((pcm >> (seg + 1)) & 0xF)
        return UInt8(truncatingIfNeeded: uval ^ mask)
    }

    /// 16-bit linear value of one µ-law code.
    public static func ulawDecodeScalar(_ code: UInt8) -> Int16 {
        let u = Int32(~code)
        var t = ((u & 0x0F) << 3) + 0x84
        t <<= (u & 0x70) >> 4
        return Int16(truncatingIfNeeded: (u & 0x80) != 0 ? (0x84 - t) : (t - 0x84))
    }

    /// A-law code of one 16-bit linear sample (computed, not from the table).
    public static func alawEncodeScalar(_ sample: Int16) -> UInt8 {
        var pcm = min((Int32(sample) + 4) >> 3, 4095)
        let mask: Int32
        if pcm >= 0 {
            mask = 0xD5
        } else {
            mask = 0x55
            pcm = -pcm - 1
        }
        let seg = segment(pcm, alawSegmentEnds)
        if seg >= 8 { return UInt8(truncatingIfNeeded: 0x7F ^ mask) }
        var aval = seg << 4
        aval |= seg < 2 ? (pcm >> 1) & 0xF : (pcm >> seg) & 0xF
        return UInt8(truncatingIfNeeded: aval ^ mask)
    }

    /// 16-bit linear value of one A-law code.
    public static func alawDecodeScalar(_ code: UInt8) -> Int16 {
        let a = Int32(code ^ 0x55)
        var t = (a & 0x0F) << 4
        let seg = (a & 0x70) >> 4
        switch seg {
        case 0: t += 8
        case 1: t += 0x108
        default:
            t += 0x108
            t <<= seg - 1
        }
        return Int16(truncatingIfNeeded: (a & 0x80) != 0 ? t : -t)
    }

    /// µ-law codes indexed by `(sample + 2) >> 2 + 8192` (14-bit range, 8192 = the rounded-up top).
    static let ulawEncodeTable: [UInt8] = (0...16384).map { ulawEncodeScalar(Int16(clamping: ($0 - 8192) << 2)) }
    /// A-law codes indexed by `(sample + 4) >> 3 + 4096` (13-bit range).
    static let alawEncodeTable: [UInt8] = (0...8192).map { alawEncodeScalar(Int16(clamping: ($0 - 4096) << 3)) }
    static let ulawDecodeTable: [Int16] = (0..<256).map { ulawDecodeScalar(UInt8($0)) }
    static let alawDecodeTable: [Int16] = (0..<256).map { alawDecodeScalar(UInt8($0)) }
}
