/// The lowest value seen over a sliding time window (minimum statistics), kept as the minima of a few
/// equal sub-windows so each update is O(1) and allocation-free. `VoiceActivityDetector` uses it to notice
/// that the background noise has stepped up: no frame near the old floor for a whole window.
struct SlidingMinimum: Sendable {
    private var buckets: [Double]
    private var index = 0
    private var filled = 0
    private var current = Double.infinity
    private var elapsedMs = 0.0
    let bucketMs: Double

    init(windowMs: Int, bucketCount: Int = 8) {
        buckets = [Double](repeating: .infinity, count: max(1, bucketCount))
        bucketMs = Double(max(1, windowMs)) / Double(max(1, bucketCount))
    }

    mutating func add(_ value: Double, durationMs: Double) {
        current = min(current, value)
        elapsedMs += durationMs
        if elapsedMs >= bucketMs {
            buckets[index] = current
            index = (index + 1) % buckets.count
            filled = min(filled + 1, buckets.count)
            current = .infinity
            elapsedMs = 0
        }
    }

    /// The minimum over the last full window, or nil until a window has passed.
    var minimum: Double? {
        guard filled == buckets.count else { return nil }
        var m = current
        for b in buckets { m = min(m, b) }
        return m
    }

    mutating func reset() {
        for i in buckets.indices { buckets[i] = .infinity }
        index = 0
        filled = 0
        current = .infinity
        elapsedMs = 0
    }
}
