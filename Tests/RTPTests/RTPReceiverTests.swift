import Testing

@testable import RTP

@Suite struct RTPReceiverTests {
    static func header(_ seq: UInt16, ts: UInt32 = 0, ssrc: UInt32 = 7) -> RTPHeader {
        RTPHeader(payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc: ssrc)
    }

    @Test func sequenceWrapsIntoExtendedSequence() {
        var rx = RTPReceiver(clockRate: 8000)
        var seen: [Int64] = []
        var seq: UInt16 = 65533
        for i in 0..<6 {
            if case .accepted(let ext, _) = rx.received(Self.header(seq), arrivalNanos: UInt64(i) * 20_000_000) {
                seen.append(ext)
            }
            seq &+= 1
        }
        #expect(seen == [65533, 65534, 65535, 65536, 65537, 65538])
        #expect(rx.packetsLost == 0)
        // A late packet from before the wrap keeps its old cycle.
        #expect(rx.received(Self.header(65535), arrivalNanos: 0) == .accepted(extendedSequence: 65535, relocked: false))
        #expect(rx.packetsReordered == 1)
    }

    @Test func foreignSSRCIsIgnoredThenRelocked() {
        var rx = RTPReceiver(clockRate: 8000)
        _ = rx.received(Self.header(10), arrivalNanos: 0)
        #expect(rx.received(Self.header(500, ssrc: 99), arrivalNanos: 1) == .foreignSSRC)
        #expect(rx.received(Self.header(11), arrivalNanos: 2) == .accepted(extendedSequence: 11, relocked: false))
        #expect(rx.received(Self.header(501, ssrc: 99), arrivalNanos: 3) == .accepted(extendedSequence: 501, relocked: true))
        #expect(rx.ssrc == 99)
    }

    @Test func largeJumpNeedsConfirmation() {
        var rx = RTPReceiver(clockRate: 8000)
        _ = rx.received(Self.header(100), arrivalNanos: 0)
        #expect(rx.received(Self.header(30000), arrivalNanos: 1) == .sequenceJump)
        #expect(rx.received(Self.header(30001), arrivalNanos: 2) == .accepted(extendedSequence: 30001, relocked: true))
    }

    @Test func jitterFollowsRFC3550() {
        var rx = RTPReceiver(clockRate: 8000)
        // Perfect pacing: jitter stays 0.
        for i in 0..<50 {
            _ = rx.received(Self.header(UInt16(i), ts: UInt32(i * 160)), arrivalNanos: UInt64(i) * 20_000_000)
        }
        #expect(rx.jitter < 0.001)
        // Alternating ±5 ms arrival error: D = 80 samples each; J converges towards 80.
        for i in 50..<400 {
            let offset: Int64 = i % 2 == 0 ? 5_000_000 : -5_000_000
            let arrival = UInt64(Int64(i) * 20_000_000 + offset)
            _ = rx.received(Self.header(UInt16(i), ts: UInt32(i * 160)), arrivalNanos: arrival)
        }
        #expect(abs(rx.jitter - 80) < 2)
        #expect(abs(rx.jitterSeconds - 0.010) < 0.0003)
    }
}
