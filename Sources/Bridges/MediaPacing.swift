/// How late outbound packets left relative to their schedule: a fixed histogram of 10 µs buckets up to
/// 20 ms (plus an overflow bucket), so recording a packet is one increment and never allocates.
public struct PacingHistogram: Sendable, Equatable {
    public static let bucketMicroseconds: Int64 = 10
    public static let bucketCount = 2000
    private var buckets = [UInt64](repeating: 0, count: PacingHistogram.bucketCount + 1)
    public private(set) var count: UInt64 = 0
    public private(set) var maxMicroseconds: Int64 = 0
    public private(set) var within1ms: UInt64 = 0

    public init() {}

    /// Records one packet `latenessNanoseconds` after its scheduled time (negative counts as 0).
    public mutating func record(latenessNanoseconds: Int64) {
        let us = max(0, latenessNanoseconds / 1000)
        let index = Int(min(us / Self.bucketMicroseconds, Int64(Self.bucketCount)))
        buckets[index] += 1
        count += 1
        if us <= 1000 { within1ms += 1 }
        if us > maxMicroseconds { maxMicroseconds = us }
    }

    /// The lateness (upper edge of its 10 µs bucket, in µs) below which `fraction` of packets fall;
    /// `maxMicroseconds` for the overflow bucket.
    public func percentileMicroseconds(_ fraction: Double) -> Int64 {
        guard count > 0 else { return 0 }
        let rank = UInt64((Double(count) * fraction).rounded(.up))
        var seen: UInt64 = 0
        for (i, n) in buckets.enumerated() {
            seen += n
            if seen >= max(1, rank) {
                return i == Self.bucketCount ? maxMicroseconds : min(maxMicroseconds, Int64(i + 1) * Self.bucketMicroseconds)
            }
        }
        return maxMicroseconds
    }

    public mutating func merge(_ other: PacingHistogram) {
        for i in buckets.indices { buckets[i] += other.buckets[i] }
        count += other.count
        within1ms += other.within1ms
        maxMicroseconds = max(maxMicroseconds, other.maxMicroseconds)
    }
}

extension MediaEngine {
    /// Pacing of the shared clock. Each call is pinned to one of the clock's phases (10, 2 ms apart) and sends at
    /// `phase start + n × 20 ms`; `sends` is the lateness of each packet's write (after the syscall) against that
    /// schedule, `ticks…` the lateness of the clock's wake-ups.
    public struct TickStatistics: Sendable {
        /// Phase slots served (a slot is skipped when it has no calls).
        public var ticks: UInt64 = 0
        public var lateOver1ms: UInt64 = 0
        public var maxLatenessMicroseconds: Int64 = 0
        public var totalWorkMicroseconds: Int64 = 0
        /// Times the clock fell more than 60 ms behind and skipped whole 20 ms cycles instead of bursting.
        public var resyncs: UInt64 = 0
        public var sends = PacingHistogram()
        public var liveCalls = 0

        public var packetsSent: UInt64 { sends.count }
        /// Outbound packets written within 1 ms of their schedule, and later than that.
        public var packetsWithin1ms: UInt64 { sends.within1ms }
        public var packetsLate: UInt64 { sends.count - sends.within1ms }
    }
}
