import Testing

@testable import RTP

@Suite struct TelephoneEventTests {
    @Test func payloadRoundTrip() throws {
        let e = TelephoneEvent(event: 11, end: true, volume: 10, duration: 800)
        #expect(e.bytes == [11, 0x8A, 0x03, 0x20])
        #expect(try TelephoneEvent(parsing: e.bytes) == e)
        #expect(e.digit == "#")
        #expect(throws: RTPError.truncated) { try TelephoneEvent(parsing: [1, 2]) }
        #expect(TelephoneEvent.event(forDigit: "*") == 10)
        #expect(TelephoneEvent.event(forDigit: "D") == 15)
        #expect(TelephoneEvent.digit(forEvent: 16) == nil)
    }

    @Test func senderEmitsStartContinuationAndThreeEnds() throws {
        var tx = TelephoneEventSender(samplesPerTick: 160, toneSamples: 800, pauseTicks: 2)
        #expect(tx.enqueue("5x#") == 2)
        var packets: [TelephoneEventSender.Packet?] = []
        var ts: UInt32 = 1000
        for _ in 0..<20 {
            packets.append(tx.tick(mediaTimestamp: ts))
            ts &+= 160
        }
        let first = packets.prefix(7).compactMap { $0 }
        #expect(first.count == 7)
        #expect(first.allSatisfy { $0.timestamp == 1000 && $0.event.event == 5 })
        #expect(first.map(\.marker) == [true, false, false, false, false, false, false])
        #expect(first.map(\.event.duration) == [160, 320, 480, 640, 800, 800, 800])
        #expect(first.map(\.event.end) == [false, false, false, false, true, true, true])
        // Pause, then '#' with its own start timestamp.
        #expect(packets[7] == nil && packets[8] == nil)
        let hash = try #require(packets[9])
        #expect(hash.event.event == 11)
        #expect(hash.marker)
        #expect(hash.timestamp == UInt32(1000 + 9 * 160))
    }

    @Test func receiverReportsEachDigitOnce() {
        var tx = TelephoneEventSender()
        tx.enqueue("123")
        var rx = TelephoneEventReceiver()
        var digits = ""
        var ts: UInt32 = UInt32.max - 500  // timestamps wrap mid-way
        for _ in 0..<40 {
            if let p = tx.tick(mediaTimestamp: ts), let d = rx.received(p.event, timestamp: p.timestamp) {
                digits.append(d)
            }
            ts &+= 160
        }
        #expect(digits == "123")
        #expect(rx.duplicates > 10)
        #expect(rx.lastEventEnded)
    }

    @Test func lostStartStillReportsDigit() {
        var rx = TelephoneEventReceiver()
        #expect(rx.received(TelephoneEvent(event: 7, end: false, duration: 320), timestamp: 50) == "7")
        #expect(rx.received(TelephoneEvent(event: 7, end: true, duration: 800), timestamp: 50) == nil)
        // Same digit again, new timestamp: a second press.
        #expect(rx.received(TelephoneEvent(event: 7, end: true, duration: 800), timestamp: 2000) == "7")
    }
}

@Suite struct RTPSenderAndPortTests {
    @Test func senderAdvancesAndMarksTalkspurts() {
        var tx = RTPSender(ssrc: 1, sequenceNumber: 65535, timestamp: UInt32.max - 100)
        let a = tx.nextMediaHeader(payloadType: 0, samples: 160, payloadLength: 160)
        let b = tx.nextMediaHeader(payloadType: 0, samples: 160, payloadLength: 160)
        tx.skip(samples: 160)
        let c = tx.nextMediaHeader(payloadType: 0, samples: 160, payloadLength: 160)
        #expect([a.marker, b.marker, c.marker] == [true, false, true])
        #expect([a.sequenceNumber, b.sequenceNumber, c.sequenceNumber] == [65535, 0, 1])
        #expect(b.timestamp == a.timestamp &+ 160)
        #expect(c.timestamp == a.timestamp &+ 480)
        #expect(tx.packetsSent == 3 && tx.octetsSent == 480)
        var rng = SystemRandomNumberGenerator()
        let r1 = RTPSender(using: &rng)
        let r2 = RTPSender(using: &rng)
        #expect(r1.ssrc != r2.ssrc || r1.timestamp != r2.timestamp)
    }

    @Test func portAllocatorHandsOutEvenPortsAndReusesFreed() {
        var ports = MediaPortAllocator(range: 20001...20008)
        #expect(ports.capacity == 3)
        let got = (0..<4).map { _ in ports.allocate() }
        #expect(got == [20002, 20004, 20006, nil])
        ports.release(20004)
        #expect(ports.allocate() == 20004)
        #expect(ports.allocatedCount == 3)
    }
}
