/// Accumulates sample chunks of any size and emits fixed frames (20 ms by default), each stamped with the time
/// of its first sample. Keeps the remainder between calls; `flush` pads the last partial frame with silence.
public struct Framer: Sendable {
    public let sampleRate: Int
    public let frameSize: Int
    private var pending: [Int16] = []
    /// Samples emitted so far (drives the timestamps).
    private var emitted: Int = 0
    private let startMs: Int

    public init(sampleRate: Int, frameMs: Int = 20, startMs: Int = 0) {
        self.sampleRate = sampleRate
        self.frameSize = max(1, sampleRate * frameMs / 1000)
        self.startMs = startMs
        pending.reserveCapacity(frameSize * 2)
    }

    /// Number of samples waiting for a full frame.
    public var pendingCount: Int { pending.count }

    /// Adds a chunk; returns every complete frame it finishes.
    public mutating func push(_ chunk: some Collection<Int16>) -> [PCMFrame] {
        pending.append(contentsOf: chunk)
        var frames: [PCMFrame] = []
        var start = 0
        while pending.count - start >= frameSize {
            frames.append(makeFrame(Array(pending[start..<start + frameSize])))
            start += frameSize
        }
        if start > 0 { pending.removeFirst(start) }
        return frames
    }

    /// Emits the partial frame left over (padded with silence), if any.
    public mutating func flush() -> PCMFrame? {
        guard !pending.isEmpty else { return nil }
        var samples = pending
        samples.append(contentsOf: repeatElement(0, count: frameSize - pending.count))
        pending.removeAll(keepingCapacity: true)
        return makeFrame(samples)
    }

    private mutating func makeFrame(_ samples: [Int16]) -> PCMFrame {
        let ts = startMs + emitted * 1000 / sampleRate
        emitted += samples.count
        return PCMFrame(samples: samples, sampleRate: sampleRate, timestampMs: ts)
    }
}
