/// A digit found in the audio, once per key press, with the time its tone started.
public struct DTMFDigit: Equatable, Sendable {
    public var digit: Character
    public var startMs: Int

    public init(digit: Character, startMs: Int) {
        self.digit = digit
        self.startMs = startMs
    }
}

/// In-band DTMF detection with Goertzel filters over ~12.75 ms blocks (102 samples at 8 kHz, scaled for other
/// rates). A block is a candidate when the strongest row and column tones are loud enough, within the allowed
/// twist, clear of the other tones of their group (relative peak) and carry most of the block's energy (which
/// rejects speech and noise). Two agreeing blocks confirm a digit (tones ≥ 40 ms are always found); two
/// agreeing empty blocks release it, so each press is reported once.
public struct DTMFDetector: Sendable {
    public struct Configuration: Sendable {
        /// Weakest tone accepted, per frequency, in dBm0.
        public var minLevelDBm0: Double = -35
        /// How much louder the column tone may be than the row tone (dB).
        public var normalTwistDB: Double = 8
        /// How much louder the row tone may be than the column tone (dB).
        public var reverseTwistDB: Double = 8
        /// How far the best tone of a group must stand above the others of that group (dB).
        public var relativePeakDB: Double = 8
        /// Share of the block's energy the two tones must carry (0…1).
        public var minToneEnergyShare: Double = 0.75

        public init() {}
    }

    public let sampleRate: Int
    public let configuration: Configuration
    private let blockSize: Int
    private var goertzel: Goertzel8
    private var energy: Float = 0
    private var blockStartMs = 0
    private var lastCandidate: Int = -1
    private var lastCandidateStartMs = 0
    private var current: Int = -1
    private let minPower: Float
    private let normalTwist: Float
    private let reverseTwist: Float
    private let relativePeak: Float
    private let share: Float

    public init(sampleRate: Int = 8000, configuration: Configuration = Configuration()) {
        self.sampleRate = sampleRate
        self.configuration = configuration
        blockSize = max(16, (102 * sampleRate + 4000) / 8000)
        goertzel = Goertzel8(frequencies: DTMF.rowFrequencies + DTMF.columnFrequencies, sampleRate: sampleRate)
        let a = ToneGenerator.amplitude(dBm0: configuration.minLevelDBm0)
        minPower = Float(a * a / 2)
        normalTwist = Float(pow10(configuration.normalTwistDB))
        reverseTwist = Float(pow10(configuration.reverseTwistDB))
        relativePeak = Float(pow10(configuration.relativePeakDB))
        share = Float(configuration.minToneEnergyShare)
    }

    /// Feeds one frame; returns the digits whose press was confirmed in it.
    public mutating func process(_ frame: PCMFrame) -> [DTMFDigit] {
        frame.samples.withUnsafeBufferPointer { process($0, timestampMs: frame.timestampMs) }
    }

    /// Feeds samples whose first one is at `timestampMs`. No allocation unless a digit is found.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, timestampMs: Int) -> [DTMFDigit] {
        var found: [DTMFDigit] = []
        for (i, s) in samples.enumerated() {
            if goertzel.count == 0 { blockStartMs = timestampMs + i * 1000 / sampleRate }
            let x = Float(s)
            goertzel.feed(x)
            energy += x * x
            if goertzel.count == blockSize {
                if let d = endBlock() { found.append(d) }
            }
        }
        return found
    }

    private mutating func endBlock() -> DTMFDigit? {
        let candidate = classify(goertzel.powers(), meanSquare: energy / Float(blockSize))
        goertzel.reset()
        energy = 0
        defer {
            if candidate != lastCandidate { lastCandidateStartMs = blockStartMs }
            lastCandidate = candidate
        }
        guard candidate == lastCandidate, candidate != current else { return nil }
        current = candidate
        guard candidate >= 0 else { return nil }
        return DTMFDigit(digit: DTMF.digits[candidate], startMs: lastCandidateStartMs)
    }

    /// Index into `DTMF.digits`, or -1.
    private func classify(_ p: SIMD8<Float>, meanSquare: Float) -> Int {
        var row = 0
        var col = 4
        for i in 1..<4 where p[i] > p[row] { row = i }
        for i in 5..<8 where p[i] > p[col] { col = i }
        let r = p[row]
        let c = p[col]
        guard r >= minPower, c >= minPower else { return -1 }
        guard c <= r * normalTwist, r <= c * reverseTwist else { return -1 }
        for i in 0..<4 where i != row && p[i] * relativePeak > r { return -1 }
        for i in 4..<8 where i != col && p[i] * relativePeak > c { return -1 }
        guard r + c >= share * meanSquare else { return -1 }
        return row * 4 + (col - 4)
    }
}

private func pow10(_ db: Double) -> Double { _pow10(db / 10) }
