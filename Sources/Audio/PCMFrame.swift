/// A block of 16-bit mono PCM samples at a sample rate, stamped with the time of its first sample.
public struct PCMFrame: Equatable, Sendable {
    public var samples: [Int16]
    public var sampleRate: Int
    /// Time of the first sample, in milliseconds on the stream's own timeline (e.g. since call start).
    public var timestampMs: Int

    public init(samples: [Int16], sampleRate: Int, timestampMs: Int = 0) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.timestampMs = timestampMs
    }

    /// Duration in milliseconds (fractional for odd sizes).
    public var durationMs: Double {
        sampleRate > 0 ? Double(samples.count) * 1000 / Double(sampleRate) : 0
    }

    /// Number of samples in one 20 ms frame at `sampleRate`.
    public static func samplesPer20ms(sampleRate: Int) -> Int { sampleRate / 50 }

    /// A frame of digital silence lasting `ms` milliseconds.
    public static func silence(ms: Int, sampleRate: Int, timestampMs: Int = 0) -> PCMFrame {
        PCMFrame(
            samples: [Int16](repeating: 0, count: sampleRate * ms / 1000), sampleRate: sampleRate,
            timestampMs: timestampMs)
    }
}
