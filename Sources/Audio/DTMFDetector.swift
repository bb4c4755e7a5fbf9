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
    /// The filter bank, reset, that each block starts from.
    private let bank: Goertzel8
    /// The samples (as Float) from the start of the next block on: block k starts at `k * hop`.
    private var pending: [Float] = []
    private var pendingCount = 0
    /// The start time of each block that begins within `pending` (the time of its first sample), in order.
    private var blockStarts: [Int] = []
    /// The candidate of the latest hits, how many agreed in a row, and when the first of them started.
    private var candidate: Int = -1
    private var run = 0
    private var runStartMs = 0
    /// The digit being held (reported), or -1, and the misses since its last hit.
    private var current: Int = -1
    private var misses = 0
    private let minPower: Float
    /// A block whose summed squares are below this cannot hold a digit (see `powers(block:)`).
    private let gateEnergy: Float
    private let normalTwist: Float
    private let reverseTwist: Float
    private let relativePeak: Float
    private let share: Float

    public init(sampleRate: Int = 8000, configuration: Configuration = Configuration()) {
        self.sampleRate = sampleRate
        self.configuration = configuration
        blockSize = 2 * max(8, (51 * sampleRate + 4000) / 8000)
        hop = blockSize / 2
        bank = Goertzel8(frequencies: DTMF.rowFrequencies + DTMF.columnFrequencies, sampleRate: sampleRate)
        let a = ToneGenerator.amplitude(dBm0: configuration.minLevelDBm0)
        minPower = Float(a * a / 2)
        // A frequency's normalised power is at most twice the block's mean square (Cauchy-Schwarz: |X(f)|² ≤
        // N · Σx²), so a block with Σx² < N · minPower / 2 has no tone at the minimum level; half of that again
        // is the margin for rounding.
        gateEnergy = minPower * Float(blockSize) / 4
        normalTwist = Float(pow10(configuration.normalTwistDB))
        reverseTwist = Float(pow10(configuration.reverseTwistDB))
        relativePeak = Float(pow10(configuration.relativePeakDB))
        share = Float(configuration.minToneEnergyShare)
    }

    /// Feeds one frame; returns the digits whose press was confirmed in it.
    public mutating func process(_ frame: PCMFrame) -> [DTMFDigit] {
        frame.samples.withUnsafeBufferPointer { process($0, timestampMs: frame.timestampMs) }
    }

    /// Feeds samples whose first one is at `timestampMs`. No allocation unless a digit is found (the block
    /// buffers are reused). Blocks are analysed once complete, quiet ones (no tone can reach the minimum level)
    /// without running the filters, the rest two at a time.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, timestampMs: Int) -> [DTMFDigit] {
        guard !samples.isEmpty else { return [] }
        // The blocks that start within these samples, stamped with their first sample's time.
        var start = blockStarts.count * hop
        while start < pendingCount + samples.count {
            blockStarts.append(timestampMs + (start - pendingCount) * 1000 / sampleRate)
            start += hop
        }
        let needed = pendingCount + samples.count
        if pending.count < needed { pending.append(contentsOf: repeatElement(0, count: needed - pending.count)) }
        let base = pendingCount
        pending.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<samples.count { buffer[base + i] = Float(samples[i]) }
        }
        pendingCount = needed
        let complete = pendingCount >= blockSize ? (pendingCount - blockSize) / hop + 1 : 0
        guard complete > 0 else { return [] }
        var found: [DTMFDigit] = []
        var results = (-1, -1)
        var block = 0
        while block < complete {
            let pair = block + 1 < complete
            pending.withUnsafeBufferPointer { buffer in
                results = classify(buffer, block: block, pair: pair)
            }
            if let d = hit(results.0, startMs: blockStarts[block]) { found.append(d) }
            if pair, let d = hit(results.1, startMs: blockStarts[block + 1]) { found.append(d) }
            block += pair ? 2 : 1
        }
        // Keep the samples from the next block's start on.
        let consumed = complete * hop
        pendingCount -= consumed
        pending.withUnsafeMutableBufferPointer { buffer in
            guard let p = buffer.baseAddress else { return }
            p.update(from: p + consumed, count: pendingCount)
        }
        blockStarts.removeFirst(complete)
        return found
    }

    /// The results (digit index or -1) of block `block` and, when `pair`, of the one after it.
    private func classify(_ buffer: UnsafeBufferPointer<Float>, block: Int, pair: Bool) -> (Int, Int) {
        let first = block * hop
        let second = first + hop
        let loud = (loudEnough(buffer, at: first), pair && loudEnough(buffer, at: second))
        var a = bank
        var b = bank
        var energy: (Float, Float) = (0, 0)
        switch loud {
        case (false, false):
            return (-1, -1)
        case (true, true):
            // Two independent filter chains in one loop (the processor overlaps their latencies).
            for i in 0..<blockSize {
                let x = buffer[first + i]
                let y = buffer[second + i]
                a.feed(x)
                b.feed(y)
                energy.0 += x * x
                energy.1 += y * y
            }
        case (true, false):
            for i in 0..<blockSize {
                let x = buffer[first + i]
                a.feed(x)
                energy.0 += x * x
            }
        case (false, true):
            for i in 0..<blockSize {
                let y = buffer[second + i]
                b.feed(y)
                energy.1 += y * y
            }
        }
        let n = Float(blockSize)
        return (
            loud.0 ? classify(a.powers(), meanSquare: energy.0 / n) : -1,
            loud.1 ? classify(b.powers(), meanSquare: energy.1 / n) : -1
        )
    }

    /// Whether the block at `start` carries enough energy to hold a tone at the minimum level (four partial
    /// sums: this only gates, the exact energy is summed with the filters).
    private func loudEnough(_ buffer: UnsafeBufferPointer<Float>, at start: Int) -> Bool {
        var e: (Float, Float, Float, Float) = (0, 0, 0, 0)
        var i = start
        let end = start + blockSize
        while i + 4 <= end {
            e.0 += buffer[i] * buffer[i]
            e.1 += buffer[i + 1] * buffer[i + 1]
            e.2 += buffer[i + 2] * buffer[i + 2]
            e.3 += buffer[i + 3] * buffer[i + 3]
            i += 4
        }
        while i < end {
            e.0 += buffer[i] * buffer[i]
            i += 1
        }
        return (e.0 + e.1) + (e.2 + e.3) >= gateEnergy
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
