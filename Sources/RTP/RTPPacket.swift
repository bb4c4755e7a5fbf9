/// An owning RTP packet: header fields, CSRC list, optional header extension and payload bytes.
/// Used on cold paths and in tests; the media hot path uses `RTPHeader` over the datagram's bytes.
public struct RTPPacket: Equatable, Sendable {
    public struct Extension: Equatable, Sendable {
        public var profile: UInt16
        /// Extension data; its length must be a multiple of 4.
        public var data: [UInt8]
        public init(profile: UInt16, data: [UInt8]) {
            self.profile = profile
            self.data = data
        }
    }

    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    public var csrcs: [UInt32]
    public var headerExtension: Extension?
    public var payload: [UInt8]
    /// Padding bytes to add when serializing (0 = none).
    public var padding: UInt8

    public init(
        marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
        csrcs: [UInt32] = [], headerExtension: Extension? = nil, payload: [UInt8], padding: UInt8 = 0
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
        self.payload = payload
        self.padding = padding
    }

    /// Parses a whole datagram.
    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let header = try RTPHeader.parse(bytes)
        var csrcs: [UInt32] = []
        for i in 0..<header.csrcCount {
            csrcs.append(bytes.loadBE32(at: RTPHeader.fixedSize + 4 * i))
        }
        var ext: Extension?
        if header.hasExtension {
            let start = RTPHeader.fixedSize + 4 * header.csrcCount
            let profile = bytes.loadBE16(at: start)
            let words = Int(bytes.loadBE16(at: start + 2))
            ext = Extension(profile: profile, data: Array(bytes[(start + 4)..<(start + 4 + 4 * words)]))
        }
        self.init(
            marker: header.marker, payloadType: header.payloadType, sequenceNumber: header.sequenceNumber,
            timestamp: header.timestamp, ssrc: header.ssrc, csrcs: csrcs, headerExtension: ext,
            payload: Array(bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)]),
            padding: UInt8(header.paddingLength)
        )
    }

    /// Serializes the packet. Throws `.fieldOutOfRange` for > 15 CSRCs, PT > 127 or extension data whose
    /// length is not a multiple of 4.
    public func serialized() throws(RTPError) -> [UInt8] {
        guard csrcs.count <= 15, payloadType <= 127 else { throw .fieldOutOfRange }
        if let ext = headerExtension, ext.data.count % 4 != 0 || ext.data.count / 4 > Int(UInt16.max) {
            throw .fieldOutOfRange
        }
        var out: [UInt8] = []
        out.reserveCapacity(12 + 4 * csrcs.count + (headerExtension.map { 4 + $0.data.count } ?? 0) + payload.count)
        var b0: UInt8 = 0x80 | UInt8(csrcs.count)
        if padding > 0 { b0 |= 0x20 }
        if headerExtension != nil { b0 |= 0x10 }
        out.append(b0)
        out.append((marker ? 0x80 : 0) | payloadType)
        out.appendBE16(sequenceNumber)
        out.appendBE32(timestamp)
        out.appendBE32(ssrc)
        for c in csrcs { out.appendBE32(c) }
        if let ext = headerExtension {
            out.appendBE16(ext.profile)
            out.appendBE16(UInt16(ext.data.count / 4))
            out.append(contentsOf: ext.data)
        }
        out.append(contentsOf: payload)
        if padding > 0 {
            out.append(contentsOf: repeatElement(0, count: Int(padding) - 1))
            out.append(padding)
        }
        return out
    }
}
