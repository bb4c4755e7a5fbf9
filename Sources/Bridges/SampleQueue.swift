/// A growable ring of PCM samples: the application enqueues any amount, the media tick takes one frame.
/// Appends and takes copy at most two contiguous runs (the ring's wrap), with one uniqueness check each.
struct SampleQueue {
    private var storage: [Int16]
    private var readIndex = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = [Int16](repeating: 0, count: max(16, capacity))
    }

    mutating func append(_ samples: UnsafeBufferPointer<Int16>) {
        guard let source = samples.baseAddress, !samples.isEmpty else { return }
        if count + samples.count > storage.count { grow(to: count + samples.count) }
        let readIndex = self.readIndex
        let count = self.count
        storage.withUnsafeMutableBufferPointer { ring in
            guard let base = ring.baseAddress else { return }
            let size = ring.count
            var write = readIndex + count
            if write >= size { write -= size }
            let first = min(samples.count, size - write)
            (base + write).update(from: source, count: first)
            if first < samples.count { base.update(from: source + first, count: samples.count - first) }
        }
        self.count += samples.count
    }

    /// Moves up to `out.count` samples into `out`, zero-filling the rest; returns how many were real.
    mutating func take(into out: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let target = out.baseAddress else { return 0 }
        let n = min(out.count, count)
        let readIndex = self.readIndex
        storage.withUnsafeBufferPointer { ring in
            guard let base = ring.baseAddress else { return }
            let first = min(n, ring.count - readIndex)
            target.update(from: base + readIndex, count: first)
            if first < n { (target + first).update(from: base, count: n - first) }
        }
        if n < out.count { (target + n).update(repeating: 0, count: out.count - n) }
        self.readIndex = (readIndex + n) % storage.count
        count -= n
        return n
    }

    /// Drops the `n` oldest samples (all when fewer are queued).
    mutating func dropOldest(_ n: Int) {
        let dropped = min(max(0, n), count)
        readIndex = (readIndex + dropped) % storage.count
        count -= dropped
    }

    mutating func removeAll() {
        readIndex = 0
        count = 0
    }

    private mutating func grow(to needed: Int) {
        var size = storage.count
        while size < needed { size *= 2 }
        var fresh = [Int16](repeating: 0, count: size)
        for i in 0..<count { fresh[i] = storage[(readIndex + i) % storage.count] }
        storage = fresh
        readIndex = 0
    }
}
