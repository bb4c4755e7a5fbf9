import Testing

@testable import RTP

@Suite struct JitterBufferTests {
    static func payload(_ seq: Int64) -> [UInt8] { [UInt8(truncatingIfNeeded: seq), 0xAA] }

    func drain(_ jb: inout JitterBuffer, ticks: Int) -> [Int64?] {
        (0..<ticks).map { _ in
            if case .packet(_, _, let p) = jb.pull() { return Int64(p[0]) }
            return nil
        }
    }

    @Test func reorderedPacketsPlayInOrder() {
        var jb = JitterBuffer(minDelay: 120)
        for seq: Int64 in [1, 0, 3, 2, 5, 4] {
            jb.insert(sequence: seq, timestamp: UInt32(seq * 160), marker: false, payload: Self.payload(seq))
        }
        #expect(drain(&jb, ticks: 7) == [0, 1, 2, 3, 4, 5, nil])
        #expect(jb.statistics.underruns == 1)
    }

    @Test func lossIsConcealedAndLateDropped() {
        var jb = JitterBuffer(minDelay: 100)
        for seq: Int64 in [0, 1, 3, 4] {
            jb.insert(sequence: seq, timestamp: 0, marker: false, payload: Self.payload(seq))
        }
        #expect(drain(&jb, ticks: 3) == [0, 1, nil])
        #expect(jb.insert(sequence: 2, timestamp: 0, marker: false, payload: Self.payload(2)) == .late)
        #expect(drain(&jb, ticks: 2) == [3, 4])
        #expect(jb.statistics.concealed == 1)
        #expect(jb.statistics.late == 1)
    }

    @Test func resetCountsTheFramesItThrowsAway() {
        var jb = JitterBuffer(minDelay: 100)
        for seq: Int64 in 0..<4 {
            jb.insert(sequence: seq, timestamp: 0, marker: false, payload: Self.payload(seq))
        }
        #expect(drain(&jb, ticks: 1) == [nil])  // still filling (100 ms)
        jb.reset()
        #expect(jb.statistics.discarded == 4)
        // A jump the ring cannot span resyncs and discards what was buffered.
        jb.insert(sequence: 10, timestamp: 0, marker: false, payload: Self.payload(10))
        jb.insert(sequence: 11, timestamp: 0, marker: false, payload: Self.payload(11))
        #expect(jb.insert(sequence: 5000, timestamp: 0, marker: false, payload: Self.payload(5000)) == .resynced)
        #expect(jb.statistics.discarded == 6)
        #expect(jb.statistics.resyncs == 1)
    }

    @Test func duplicatesDropped() {
        var jb = JitterBuffer()
        #expect(jb.insert(sequence: 9, timestamp: 0, marker: true, payload: Self.payload(9)) == .stored)
        #expect(jb.insert(sequence: 9, timestamp: 0, marker: true, payload: Self.payload(9)) == .duplicate)
        #expect(jb.pull() == .packet(timestamp: 0, marker: true, payload: Self.payload(9)))
    }

    @Test func pullFrameReadsThePayloadInPlaceLikePull() {
        var copied = JitterBuffer(minDelay: 60)
        var inPlace = JitterBuffer(minDelay: 60)
        for seq: Int64 in [0, 1, 3, 2, 5, 7, 6] {
            let bytes = Self.payload(seq) + [UInt8](repeating: UInt8(seq), count: Int(seq))
            copied.insert(sequence: seq, timestamp: UInt32(seq * 160), marker: seq == 0, payload: bytes)
            inPlace.insert(sequence: seq, timestamp: UInt32(seq * 160), marker: seq == 0, payload: bytes)
        }
        for _ in 0..<10 {
            let expected = copied.pull()
            let got: JitterBuffer.Output
            switch inPlace.pullFrame() {
            case .packet(let timestamp, let marker, let slot):
                got = .packet(
                    timestamp: timestamp, marker: marker, payload: inPlace.withPayload(ofSlot: slot) { Array($0) })
            case .missing: got = .missing
            }
            #expect(got == expected)
        }
        #expect(inPlace.statistics == copied.statistics)
        #expect(inPlace.statistics.concealed == 2)  // 4 was lost, then the underrun after 7
    }

    @Test func payloadsOfGrowingSizesSurviveWideningAndABurstThatGrowsTheRing() {
        var jb = JitterBuffer(minDelay: 20, maxDelay: 60)
        let before = jb.capacity
        func bytes(_ seq: Int64) -> [UInt8] {
            (0..<Int(10 + (seq * 37) % 300)).map { UInt8(truncatingIfNeeded: Int(seq) &* 31 &+ $0) }
        }
        // A burst of 100 packets of varying sizes (Opus-like), larger ones arriving after smaller ones.
        for seq: Int64 in 0..<100 {
            #expect(jb.insert(sequence: seq, timestamp: UInt32(seq * 960), marker: false, payload: bytes(seq)) == .stored)
        }
        #expect(jb.capacity > before)
        var played: [[UInt8]] = []
        while jb.count > 0 {
            if case .packet(_, _, let p) = jb.pull() { played.append(p) }
        }
        #expect(played == (0..<100).map { bytes($0) })
    }

    @Test func waitsForTargetDepthBeforePlaying() {
        var jb = JitterBuffer(minDelay: 20, maxDelay: 200)
        jb.adapt(jitterSeconds: 0.020)
        #expect(jb.targetDelayMilliseconds == 100)
        jb.adapt(jitterSeconds: 1)
        #expect(jb.targetDelayMilliseconds == 200)
        jb.adapt(jitterSeconds: 0)
        #expect(jb.targetDelayMilliseconds == 20)
        jb.adapt(jitterSeconds: 0.010)
        var out: [Int64?] = []
        for seq: Int64 in 0..<5 {
            jb.insert(sequence: seq, timestamp: 0, marker: false, payload: Self.payload(seq))
            out += drain(&jb, ticks: 1)
        }
        #expect(out == [nil, nil, 0, 1, 2])
    }

    @Test func bigJumpResyncsAndABuiltUpDelayIsDrainedNotTrimmed() {
        var jb = JitterBuffer(minDelay: 20, maxDelay: 60)
        jb.insert(sequence: 0, timestamp: 0, marker: false, payload: Self.payload(0))
        #expect(drain(&jb, ticks: 1) == [0])
        #expect(jb.insert(sequence: 10_000, timestamp: 0, marker: false, payload: Self.payload(10_000)) == .resynced)
        for seq: Int64 in 10_001..<10_010 {
            jb.insert(sequence: seq, timestamp: 0, marker: false, payload: Self.payload(seq))
        }
        var played = 0
        for seq: Int64 in 10_010..<10_060 {
            jb.insert(sequence: seq, timestamp: 0, marker: false, payload: Self.payload(seq))
            if case .packet = jb.pull() { played += 1 }
            while let extra = jb.pullCatchUp() { if case .packet = extra { played += 1 } }
        }
        // Ten frames at once, far over the target: drained early, nothing thrown away.
        #expect(jb.statistics.trimmed == 0)
        #expect(jb.statistics.caughtUp > 0)
        #expect(jb.depth <= jb.targetFrames + 3)
        #expect(played + jb.count == 60)
    }

    /// A network hiccup releases 200 packets (4 s) at once: all of them are kept, come out in order, and the
    /// delay is back near its target within a second or so (extra frames per tick), without a frame dropped.
    @Test func aBurstOf200PacketsLosesNothingAndDrainsFast() {
        var jb = JitterBuffer()
        func payload(_ seq: Int64) -> [UInt8] { [UInt8(truncatingIfNeeded: seq >> 8), UInt8(truncatingIfNeeded: seq)] }
        var out: [Int64] = []
        func take(_ output: JitterBuffer.Output) {
            if case .packet(_, _, let p) = output { out.append(Int64(p[0]) << 8 | Int64(p[1])) }
        }
        var seq: Int64 = 5000
        for _ in 0..<20 {
            jb.insert(sequence: seq, timestamp: 0, marker: false, payload: payload(seq))
            seq += 1
            take(jb.pull())
        }
        for _ in 0..<200 {
            #expect(jb.insert(sequence: seq, timestamp: 0, marker: false, payload: payload(seq)) == .stored)
            seq += 1
        }
        var ticks = 0
        while jb.depth > jb.targetFrames + 3, ticks < 500 {
            ticks += 1
            take(jb.pull())
            var extra = 0
            while extra < JitterBuffer.maxCatchUpPerTick, let output = jb.pullCatchUp() {
                extra += 1
                take(output)
            }
        }
        while jb.count > 0 { take(jb.pull()) }
        #expect(out == Array(5000..<seq), "\(out.count) of \(seq - 5000) frames, in order")
        #expect(jb.statistics.trimmed == 0 && jb.statistics.discarded == 0 && jb.statistics.late == 0)
        #expect(ticks <= 75, "back near the target after \(ticks) ticks")
    }

    @Test func sequenceWrapAcrossExtendedNumbers() {
        var rx = RTPReceiver(clockRate: 8000)
        var jb = JitterBuffer(minDelay: 40)
        var played: [UInt32] = []
        let order: [UInt16] = [65534, 0, 65535, 1, 2, 3]
        for (i, seq) in order.enumerated() {
            let ts = UInt32(seq == 65534 ? 0 : seq == 65535 ? 1 : UInt32(seq) + 2) * 160
            let h = RTPHeader(payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc: 1)
            if case .accepted(let ext, _) = rx.received(h, arrivalNanos: UInt64(i) * 20_000_000) {
                jb.insert(sequence: ext, timestamp: ts, marker: false, payload: [0])
            }
            if case .packet(let t, _, _) = jb.pull() { played.append(t / 160) }
        }
        for _ in 0..<3 { if case .packet(let t, _, _) = jb.pull() { played.append(t / 160) } }
        #expect(played == [0, 1, 2, 3, 4, 5])
    }
}
