/// The fixed part of an RTP packet (RFC 3550 §5.1) plus where the payload sits in the datagram.
///
/// `parse` reads straight from the datagram's bytes and allocates nothing: CSRCs and the header extension
/// are described by offsets, and the payload is `bytes[payloadOffset ..< payloadOffset + payloadLength]`.
public struct RTPHeader: Equatable, Sendable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// Number of CSRC identifiers (0–15) following the fixed header.
    public var csrcCount: Int
    /// Set when the X bit announced a header extension.
    public var hasExtension: Bool
    /// Bytes of padding at the end (0 when the P bit was clear).
    public var paddingLength: Int
    public var payloadOffset: Int
    public var payloadLength: Int

    public static let fixedSize = 12

    public init(
        marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcCount = 0
        self.hasExtension = false
        self.paddingLength = 0
        self.payloadOffset = Self.fixedSize
        self.payloadLength = 0
    }

    /// Parses the header of an RTP datagram. Throws on a version other than 2, truncation, or bad padding.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(RTPError) -> RTPHeader {
        guard bytes.count >= fixedSize else { throw .truncated }
        let b0 = bytes[0]
        let version = b0 >> 6
        guard version == 2 else { throw .badVersion(version) }
        let hasPadding = b0 & 0x20 != 0
        let hasExtension = b0 & 0x10 != 0
        let csrcCount = Int(b0 & 0x0F)
        let b1 = bytes[1]
        var header = RTPHeader(
            marker: b1 & 0x80 != 0,
            payloadType: b1 & 0x7F,
            sequenceNumber: bytes.loadBE16(at: 2),
            timestamp: bytes.loadBE32(at: 4),
            ssrc: bytes.loadBE32(at: 8)
        )
        header.csrcCount = csrcCount
        header.hasExtension = hasExtension
        var offset = fixedSize + 4 * csrcCount
        guard bytes.count >= offset else { throw .truncated }
        if hasExtension {
            guard bytes.count >= offset + 4 else { throw .truncated }
            let words = Int(bytes.loadBE16(at: offset + 2))
            offset += 4 + 4 * words
            guard bytes.count >= offset else { throw .truncated }
        }
        var end = bytes.count
        if hasPadding {
            let pad = Int(bytes[bytes.count - 1])
            guard pad > 0, pad <= end - offset else { throw .badPadding }
            end -= pad
            header.paddingLength = pad
        }
        header.payloadOffset = offset
        header.payloadLength = end - offset
        return header
    }

    /// Parses a header from an array (convenience for tests and cold paths).
    public static func parse(_ bytes: [UInt8]) throws(RTPError) -> RTPHeader {
        let result: Result<RTPHeader, RTPError> = bytes.withUnsafeBytes { raw in
            do throws(RTPError) { return .success(try parse(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The CSRC at `index` (0 ..< csrcCount) of the datagram this header was parsed from.
    public func csrc(_ index: Int, in bytes: UnsafeRawBufferPointer) -> UInt32 {
        bytes.loadBE32(at: Self.fixedSize + 4 * index)
    }

    /// Writes a 12-byte header (no CSRC, no extension, no padding) into `out`; returns bytes written (12),
    /// or 0 if `out` is too small. Allocation-free: this is what the media tick uses.
    @inlinable
    public func writeFixed(into out: UnsafeMutableRawBufferPointer) -> Int {
        guard out.count >= Self.fixedSize else { return 0 }
        out[0] = 0x80
        out[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        out.storeBE16(sequenceNumber, at: 2)
        out.storeBE32(timestamp, at: 4)
        out.storeBE32(ssrc, at: 8)
        return Self.fixedSize
    }
}

extension UnsafeRawBufferPointer {
    @inlinable func loadBE16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }
    @inlinable func loadBE32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8
            | UInt32(self[offset + 3])
    }
}

extension UnsafeMutableRawBufferPointer {
    @inlinable func storeBE16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(value >> 8)
        self[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
    @inlinable func storeBE32(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(value >> 24)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 3] = UInt8(truncatingIfNeeded: value)
    }
}

extension Array where Element == UInt8 {
    @inlinable mutating func appendBE16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
    @inlinable mutating func appendBE32(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
    @inlinable func loadBE16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) << 8 | UInt16(self[offset + 1])
    }
    @inlinable func loadBE32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) << 24 | UInt32(self[offset + 1]) << 16 | UInt32(self[offset + 2]) << 8
            | UInt32(self[offset + 3])
    }
}
