/// A growable ring of PCM samples: the application enqueues any amount, the media tick takes one frame.
struct SampleQueue {
    private var storage: [Int16]
    private var readIndex = 0
    private(set) var count = 0

    init(capacity: Int) {
        storage = [Int16](repeating: 0, count: max(16, capacity))
    }

    mutating func append(_ samples: UnsafeBufferPointer<Int16>) {
        if count + samples.count > storage.count { grow(to: count + samples.count) }
        var write = (readIndex + count) % storage.count
        for s in samples {
            storage[write] = s
            write += 1
            if write == storage.count { write = 0 }
        }
        count += samples.count
    }

    /// Moves up to `out.count` samples into `out`, zero-filling the rest; returns how many were real.
    mutating func take(into out: UnsafeMutableBufferPointer<Int16>) -> Int {
        let n = min(out.count, count)
        for i in 0..<n {
            out[i] = storage[readIndex]
            readIndex += 1
            if readIndex == storage.count { readIndex = 0 }
        }
        for i in n..<out.count { out[i] = 0 }
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
