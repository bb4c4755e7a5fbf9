import Testing

@testable import RTP

@Suite struct RTPPacketTests {
    @Test func roundTripWithCSRCExtensionPadding() throws {
        let packet = RTPPacket(
            marker: true, payloadType: 111, sequenceNumber: 65535, timestamp: 0xDEAD_BEEF, ssrc: 0x1234_5678,
            csrcs: [1, 2, 3], headerExtension: .init(profile: 0xBEDE, data: [1, 2, 3, 4, 5, 6, 7, 8]),
            payload: Array(0..<160), padding: 4)
        let bytes = try packet.serialized()
        #expect(bytes.count == 12 + 12 + 4 + 8 + 160 + 4)
        #expect(bytes[0] == 0x80 | 0x20 | 0x10 | 3)
        #expect(bytes[1] == 0x80 | 111)
        let back = try RTPPacket(parsing: bytes)
        #expect(back == packet)
        let header = try RTPHeader.parse(bytes)
        #expect(header.payloadOffset == 36)
        #expect(header.payloadLength == 160)
        #expect(header.paddingLength == 4)
        bytes.withUnsafeBytes { #expect(header.csrc(2, in: $0) == 3) }
    }

    @Test func fixedHeaderWriterMatchesSerializer() throws {
        let header = RTPHeader(marker: true, payloadType: 0, sequenceNumber: 7, timestamp: 160, ssrc: 42)
        var out = [UInt8](repeating: 0, count: 12)
        let n = out.withUnsafeMutableBytes { header.writeFixed(into: $0) }
        #expect(n == 12)
        let expected = try RTPPacket(
            marker: true, payloadType: 0, sequenceNumber: 7, timestamp: 160, ssrc: 42, payload: []
        ).serialized()
        #expect(out == expected)
    }

    @Test func badPacketsThrow() throws {
        let good = try RTPPacket(payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3, payload: [1, 2, 3])
            .serialized()
        var wrongVersion = good
        wrongVersion[0] = 0x40
        #expect(throws: RTPError.badVersion(1)) { try RTPHeader.parse(wrongVersion) }
        #expect(throws: RTPError.truncated) { try RTPHeader.parse(Array(good.prefix(11))) }
        var badPadding = good
        badPadding[0] |= 0x20
        badPadding[badPadding.count - 1] = 200
        #expect(throws: RTPError.badPadding) { try RTPHeader.parse(badPadding) }
        badPadding[badPadding.count - 1] = 0
        #expect(throws: RTPError.badPadding) { try RTPHeader.parse(badPadding) }
        var csrcOverrun = good
        csrcOverrun[0] |= 0x0F
        #expect(throws: RTPError.truncated) { try RTPHeader.parse(csrcOverrun) }
        var extOverrun = good
        extOverrun[0] |= 0x10
        #expect(throws: RTPError.truncated) { try RTPHeader.parse(extOverrun) }
        #expect(throws: RTPError.fieldOutOfRange) {
            try RTPPacket(payloadType: 200, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: []).serialized()
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let n = Int.random(in: 0..<64, using: &rng)
            var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if n > 0 { bytes[0] = (bytes[0] & 0x3F) | 0x80 }
            if let h = try? RTPHeader.parse(bytes) {
                #expect(h.payloadOffset + h.payloadLength + h.paddingLength == n)
            }
            _ = try? RTCPPacket.parseCompound(bytes)
        }
    }
}
