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
/// rates), two staggered by half a block so a result comes every ~6.4 ms. A block is a hit when the strongest
/// row and column tones are loud enough, within the allowed twist, clear of the other tones of their group
/// (relative peak) and carry most of the block's energy (which rejects speech and noise). Four agreeing hits in
/// a row (~32 ms of tone) confirm a digit, reported once with the time its tone started; tones ≥ 40 ms are
/// always found, 20 ms ones never. The digit is held until ~38 ms without it (six misses in a row): a dropout
/// inside one press (a lost 20 ms packet played as silence, a short dip) does not report it again, while the
/// ≥ 40 ms pause between presses (ITU-T Q.24) always releases it.
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

    /// Agreeing hits (half a block apart) that confirm a digit.
    static let confirmHits = 4
    /// Hits without the held digit that release it.
    static let releaseMisses = 6

    public let sampleRate: Int
    public let configuration: Configuration
    private let blockSize: Int
    private let hop: Int
    /// Two block accumulators; the second starts half a block after the first.
    private var goertzel: (Goertzel8, Goertzel8)
    private var energy: (Float, Float) = (0, 0)
    private var blockStartMs: (Int, Int) = (0, 0)
    private var samplesSeen = 0
    /// The candidate of the latest hits, how many agreed in a row, and when the first of them started.
    private var candidate: Int = -1
    private var run = 0
    private var runStartMs = 0
    /// The digit being held (reported), or -1, and the misses since its last hit.
    private var current: Int = -1
    private var misses = 0
    private let minPower: Float
    private let normalTwist: Float
    private let reverseTwist: Float
    private let relativePeak: Float
    private let share: Float

    public init(sampleRate: Int = 8000, configuration: Configuration = Configuration()) {
        self.sampleRate = sampleRate
        self.configuration = configuration
        blockSize = 2 * max(8, (51 * sampleRate + 4000) / 8000)
        hop = blockSize / 2
        let g = Goertzel8(frequencies: DTMF.rowFrequencies + DTMF.columnFrequencies, sampleRate: sampleRate)
        goertzel = (g, g)
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
            let x = Float(s)
            if goertzel.0.count == 0 { blockStartMs.0 = timestampMs + i * 1000 / sampleRate }
            goertzel.0.feed(x)
            energy.0 += x * x
            if samplesSeen >= hop {
                if goertzel.1.count == 0 { blockStartMs.1 = timestampMs + i * 1000 / sampleRate }
                goertzel.1.feed(x)
                energy.1 += x * x
            } else {
                samplesSeen += 1
            }
            if goertzel.0.count == blockSize {
                let c = classify(goertzel.0.powers(), meanSquare: energy.0 / Float(blockSize))
                goertzel.0.reset()
                energy.0 = 0
                if let d = hit(c, startMs: blockStartMs.0) { found.append(d) }
            }
            if goertzel.1.count == blockSize {
                let c = classify(goertzel.1.powers(), meanSquare: energy.1 / Float(blockSize))
                goertzel.1.reset()
                energy.1 = 0
                if let d = hit(c, startMs: blockStartMs.1) { found.append(d) }
            }
        }
        return found
    }

    /// One block's result (a digit index or -1): confirms a new press or releases the held one.
    private mutating func hit(_ c: Int, startMs: Int) -> DTMFDigit? {
        if c == candidate {
            run += 1
        } else {
            candidate = c
            run = 1
            runStartMs = startMs
        }
        if current >= 0 {
            if c == current {
                misses = 0
            } else {
                misses += 1
                if misses >= Self.releaseMisses { current = -1 }
            }
        }
        guard c >= 0, c != current, run >= Self.confirmHits else { return nil }
        current = c
        misses = 0
        return DTMFDigit(digit: DTMF.digits[c], startMs: runStartMs)
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
