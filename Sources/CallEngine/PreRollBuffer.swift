// CallEngine: the turn detector's pre-roll — the caller's last few frames before an onset — as a ring of
// samples and a ring of frame spans, so keeping "the last N frames" costs one copy of the new frame and no
// shifting of the older ones (the array it replaces moved its whole content, ~6 KB, on every 20 ms frame).

/// The last `keep` frames (their samples, start times and lengths), oldest first.
struct PreRollBuffer: Sendable {
    private var samples: [Int16] = []
    /// Index in `samples` of the oldest sample, and how many are held.
    private var head = 0
    private var count = 0
    private var frames: [(timestampMs: Int, count: Int)] = []
    private var frameHead = 0
    private var frameCount = 0

    /// Adds a frame, then drops the oldest ones until at most `keep` frames are held.
    mutating func append(_ frame: UnsafeBufferPointer<Int16>, timestampMs: Int, keep: Int) {
        if count + frame.count > samples.count { growSamples(to: count + frame.count) }
        if frameCount == frames.count { growFrames() }
        var tail = (head + count) % max(1, samples.count)
        var offset = 0
        while offset < frame.count {
            let run = min(frame.count - offset, samples.count - tail)
            samples.withUnsafeMutableBufferPointer { ring in
                for k in 0..<run { ring[tail + k] = frame[offset + k] }
            }
            offset += run
            tail = (tail + run) % samples.count
        }
        count += frame.count
        frames[(frameHead + frameCount) % frames.count] = (timestampMs, frame.count)
        frameCount += 1
        while frameCount > max(1, keep) {
            let dropped = frames[frameHead].count
            frameHead = (frameHead + 1) % frames.count
            frameCount -= 1
            head = (head + dropped) % max(1, samples.count)
            count -= dropped
        }
    }

    /// Calls `body` for each held frame, oldest first, with its start time and its samples (in at most two
    /// pieces, the ring's wrap).
    func forEachFrame(
        _ body: (_ timestampMs: Int, _ first: UnsafeBufferPointer<Int16>, _ second: UnsafeBufferPointer<Int16>) -> Void
    ) {
        samples.withUnsafeBufferPointer { ring in
            var start = head
            for k in 0..<frameCount {
                let frame = frames[(frameHead + k) % frames.count]
                let firstCount = min(frame.count, ring.count - start)
                let first = UnsafeBufferPointer(rebasing: ring[start..<(start + firstCount)])
                let second = UnsafeBufferPointer(rebasing: ring[0..<(frame.count - firstCount)])
                body(frame.timestampMs, first, second)
                start = ring.isEmpty ? 0 : (start + frame.count) % ring.count
            }
        }
    }

    /// Re-lays the held samples from index 0 in a ring of at least `needed` samples.
    private mutating func growSamples(to needed: Int) {
        var grown = [Int16](repeating: 0, count: max(needed, 2 * samples.count))
        for k in 0..<count { grown[k] = samples[(head + k) % samples.count] }
        samples = grown
        head = 0
    }

    private mutating func growFrames() {
        var grown = [(timestampMs: Int, count: Int)](repeating: (0, 0), count: max(8, 2 * frames.count))
        for k in 0..<frameCount { grown[k] = frames[(frameHead + k) % frames.count] }
        frames = grown
        frameHead = 0
    }
}
