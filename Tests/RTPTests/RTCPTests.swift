import Testing

@testable import RTP

@Suite struct RTCPTests {
    @Test func compoundRoundTrip() throws {
        let block = RTCPPacket.ReportBlock(
            ssrc: 9, fractionLost: 25, cumulativeLost: -3, extendedHighestSequence: 70000, jitter: 12, lastSR: 5,
            delaySinceLastSR: 6)
        let packets: [RTCPPacket] = [
            .senderReport(
                .init(
                    ssrc: 1, ntpTimestamp: 0x0102_0304_0506_0708, rtpTimestamp: 160, packetCount: 50,
                    octetCount: 8000, reports: [block])),
            .sourceDescription([.init(ssrc: 1, cname: "switchboard@127.0.0.1")]),
            .receiverReport(.init(ssrc: 1, reports: [block, block])),
            .bye(.init(sources: [1], reason: "call ended")),
        ]
        let bytes = try RTCPPacket.serializeCompound(packets)
        #expect(bytes.count % 4 == 0)
        #expect(try RTCPPacket.parseCompound(bytes) == packets)
    }

    @Test func badRTCPThrows() throws {
        let bytes = try RTCPPacket.receiverReport(.init(ssrc: 1)).serialized()
        var wrong = bytes
        wrong[0] = 0x40
        #expect(throws: RTPError.badVersion(1)) { try RTCPPacket.parseCompound(wrong) }
        var long = bytes
        long[3] = 40
        #expect(throws: RTPError.badLength) { try RTCPPacket.parseCompound(long) }
        var claimsBlocks = bytes
        claimsBlocks[0] |= 2
        #expect(throws: RTPError.badLength) { try RTCPPacket.parseCompound(claimsBlocks) }
    }

    @Test func receiverReportCountsLoss() {
        var rx = RTPReceiver(clockRate: 8000)
        for i in 0..<100 where i % 10 != 3 {
            _ = rx.received(
                RTPHeader(payloadType: 0, sequenceNumber: UInt16(i), timestamp: UInt32(i * 160), ssrc: 5),
                arrivalNanos: UInt64(i) * 20_000_000)
        }
        let block = rx.makeReportBlock()
        #expect(block?.cumulativeLost == 10)
        #expect(block?.fractionLost == UInt8((10 << 8) / 100))
        #expect(block?.extendedHighestSequence == 99)
    }
}
