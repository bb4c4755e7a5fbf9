// RTPReceiver on streams that restart or whose clocks misbehave (issue 13, "Bad input"): a new SSRC after the
// old stream went quiet takes over at its first packet; clock jumps and timestamps running backwards are
// counted and kept out of the jitter estimate.
import Testing

@testable import RTP

@Suite struct RTPReceiverRestartTests {
    static func header(_ seq: UInt16, ts: UInt32, ssrc: UInt32 = 7) -> RTPHeader {
        RTPHeader(payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc: ssrc)
    }

    static let ms: UInt64 = 1_000_000

    @Test func aNewSSRCAfterSilenceTakesOverAtItsFirstPacket() {
        var rx = RTPReceiver(clockRate: 8000)
        for i in 0..<10 { _ = rx.received(Self.header(UInt16(100 + i), ts: UInt32(160 * i)), arrivalNanos: UInt64(20 * i) * Self.ms) }
        // 200 ms later another SSRC is still foreign (the old stream may be alive: two in sequence needed)…
        #expect(rx.received(Self.header(9000, ts: 0, ssrc: 42), arrivalNanos: 380 * Self.ms) == .foreignSSRC)
        // …but after 1 s of quiet the next new stream is taken at once.
        #expect(
            rx.received(Self.header(5000, ts: 77, ssrc: 43), arrivalNanos: 1_500 * Self.ms)
                == .accepted(extendedSequence: 5000, relocked: true))
        #expect(rx.ssrc == 43 && rx.relocks == 1)
    }

    @Test func clockJumpsAndBackwardTimestampsAreCountedNotTakenForJitter() {
        var rx = RTPReceiver(clockRate: 8000)
        var seq: UInt16 = 1
        var at: UInt64 = 0
        func send(_ ts: UInt32) {
            _ = rx.received(Self.header(seq, ts: ts), arrivalNanos: at)
            seq &+= 1
            at += 20 * Self.ms
        }
        for i in 0..<50 { send(UInt32(160 * i)) }
        #expect(rx.jitter < 1)
        // The sender's clock jumps 10 s ahead, then 3 s back; packets keep arriving every 20 ms.
        for i in 0..<50 { send(UInt32(80_000 + 160 * (50 + i))) }
        for i in 0..<50 { send(UInt32(80_000 - 24_000 + 160 * (100 + i))) }
        #expect(rx.timestampJumps == 2)
        #expect(rx.jitter < 1, "jitter \(rx.jitter) after the jumps")
        // A reordered packet (one frame back) is not a jump.
        let last: UInt32 = 80_000 - 24_000 + 160 * 149
        _ = rx.received(Self.header(seq &+ 1, ts: last + 320), arrivalNanos: at + 20 * Self.ms)
        _ = rx.received(Self.header(seq, ts: last + 160), arrivalNanos: at + 21 * Self.ms)
        #expect(rx.timestampJumps == 2)
        // Silence suppression (3 s without packets, timestamps advancing with it) is not a jump either.
        _ = rx.received(Self.header(seq &+ 2, ts: last + 480 + 24_000), arrivalNanos: at + 3_040 * Self.ms)
        #expect(rx.timestampJumps == 2)
    }
}
