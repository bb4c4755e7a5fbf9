import Bridges
import Testing

/// The pacing histogram behind `bench rtp` and `tickStatistics()`: percentiles from 10 µs buckets.
@Suite struct MediaPacingHistogramTests {
    @Test func percentilesWithinAndMax() {
        var h = PacingHistogram()
        for us in 0..<100 { h.record(latenessNanoseconds: Int64(us) * 1000) }  // 0…99 µs
        h.record(latenessNanoseconds: 1_500_000)  // one at 1.5 ms
        h.record(latenessNanoseconds: -5000)  // early counts as on time
        #expect(h.count == 102)
        #expect(h.within1ms == 101)
        #expect(h.maxMicroseconds == 1500)
        #expect(h.percentileMicroseconds(0.5) == 50)
        #expect(h.percentileMicroseconds(0.99) == 100)
        #expect(h.percentileMicroseconds(1.0) == 1500)
    }

    @Test func overflowReportsTheMaximum() {
        var h = PacingHistogram()
        h.record(latenessNanoseconds: 45_000_000)
        #expect(h.percentileMicroseconds(0.5) == 45000)
        var m = PacingHistogram()
        m.record(latenessNanoseconds: 1000)
        m.merge(h)
        #expect(m.count == 2 && m.maxMicroseconds == 45000 && m.within1ms == 1)
    }
}
