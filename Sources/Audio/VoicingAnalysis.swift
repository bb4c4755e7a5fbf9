/// Per-frame features for telling speech from noise (pure, no state): the frame's level (dBFS) and how
/// periodic it is — the normalized autocorrelation at the best pitch lag (60–400 Hz), searched only after the
/// autocorrelation first turns negative, so low-pass noise (rumble, brown noise), whose autocorrelation decays
/// slowly from lag 0, does not pass for voice. Frames above 8 kHz are analysed decimated to about 8 kHz.
public struct VoicingAnalysis: Sendable, Equatable {
    /// RMS level, dBFS (-150 for digital silence).
    public var levelDB: Double
    /// 0 (noise) … 1 (a pure periodic signal).
    public var periodicity: Double
    /// The pitch period in samples of the analysed rate (0 when none was found), and that rate.
    public var pitchLag: Int
    public var analysedRate: Int

    /// The pitch in Hz, or nil.
    public var pitchHz: Double? { pitchLag > 0 ? Double(analysedRate) / Double(pitchLag) : nil }

    public init(levelDB: Double, periodicity: Double, pitchLag: Int, analysedRate: Int) {
        self.levelDB = levelDB
        self.periodicity = periodicity
        self.pitchLag = pitchLag
        self.analysedRate = analysedRate
    }

    /// RMS level of `samples` in dBFS.
    public static func levelDB(_ samples: some Collection<Int16>) -> Double {
        guard !samples.isEmpty else { return -150 }
        // Squares of Int16 summed exactly (the Double sum of them was exact too: < 2^53), so in any order.
        var sum: Int64 = 0
        for sample in samples { sum &+= Int64(Int32(sample) * Int32(sample)) }
        let meanSquare = Double(sum) / Double(samples.count)
        return decibels(power: meanSquare / (32768.0 * 32768.0))
    }

    /// Analyses one frame. `skipPeriodicityBelowDB`: quieter frames get periodicity 0 without the search.
    public static func analyse(_ samples: [Int16], sampleRate: Int, skipPeriodicityBelowDB: Double = -60) -> VoicingAnalysis {
        samples.withUnsafeBufferPointer {
            analyse($0, sampleRate: sampleRate, skipPeriodicityBelowDB: skipPeriodicityBelowDB)
        }
    }

    /// The same for a frame in place (the media pipeline's frame buffer). `enoughPeriodicity`: stop the search
    /// at the first lag that reaches it (the periodicity is then at least that, its lag not necessarily the best:
    /// for a caller that only needs to know whether the frame is that periodic).
    public static func analyse(
        _ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, skipPeriodicityBelowDB: Double = -60,
        enoughPeriodicity: Double = .infinity
    ) -> VoicingAnalysis {
        let level = levelDB(samples)
        let factor = max(1, sampleRate / 8000)
        let rate = sampleRate / factor
        guard level >= skipPeriodicityBelowDB, rate >= 4000 else {
            return VoicingAnalysis(levelDB: level, periodicity: 0, pitchLag: 0, analysedRate: rate)
        }
        let count = samples.count / factor
        let minLag = max(2, rate / 400)
        let maxLag = min(count - count / 4, rate / 60)
        guard maxLag > minLag else { return VoicingAnalysis(levelDB: level, periodicity: 0, pitchLag: 0, analysedRate: rate) }
        // Scratch on the stack (no allocation per frame): the decimated frame, its copy in Float for the cross
        // terms followed by zeros (so all lags of a block sum the same number of terms, the extra ones exactly 0)
        // and the running sums of its squares.
        let (best, bestLag) = withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * count + 2) { scratch in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: count + Self.lanes) { single in
                guard let x = scratch.baseAddress, let y = single.baseAddress else { return (0.0, 0) }
                decimate(samples, factor: factor, count: count, into: x)
                for index in 0..<count { y[index] = Float(x[index]) }
                (y + count).initialize(repeating: 0, count: Self.lanes)
                return bestPitch(
                    x, y, count: count, minLag: minLag, maxLag: maxLag, sums: x + count, enough: enoughPeriodicity)
            }
        }
        return VoicingAnalysis(levelDB: level, periodicity: best, pitchLag: bestLag, analysedRate: rate)
    }

    /// Box-averages `factor` samples into each of the `count` values at `x` and removes their mean.
    @inline(__always)
    private static func decimate(
        _ samples: UnsafeBufferPointer<Int16>, factor: Int, count: Int, into x: UnsafeMutablePointer<Double>
    ) {
        if factor == 1 {
            // Integer samples: the mean's sum is exact in any order (what the loop below computes).
            var total: Int64 = 0
            for index in 0..<count {
                total &+= Int64(samples[index])
                x[index] = Double(samples[index])
            }
            let mean = Double(total) / Double(max(1, count))
            for index in 0..<count { x[index] -= mean }
            return
        }
        var mean = 0.0
        for index in 0..<count {
            var sum = 0.0
            for k in 0..<factor { sum += Double(samples[index * factor + k]) }
            x[index] = sum / Double(factor)
            mean += x[index]
        }
        mean /= Double(max(1, count))
        for index in 0..<count { x[index] -= mean }
    }

    /// Lags whose cross terms are summed together, and the zeros after the frame.
    static var lanes: Int { 16 }

    /// The best normalized autocorrelation of the `count` values at `x` over lags `minLag...maxLag`, searched
    /// once it has turned negative, and its lag. The energies of the overlapping parts come from running sums
    /// of squares (`sums`: 2 × count + 2 values of scratch), the cross terms are summed sixteen lags at a time
    /// over `single` (`x` in Float, followed by `lanes` zeros: a periodicity off by about 1e-6, far below any
    /// threshold), each lag's terms in index order, and lags below `minLag` are computed only until the
    /// correlation has dipped.
    @inline(__always)
    private static func bestPitch(
        _ x: UnsafeMutablePointer<Double>, _ single: UnsafeMutablePointer<Float>, count: Int, minLag: Int,
        maxLag: Int, sums: UnsafeMutablePointer<Double>, enough: Double
    ) -> (Double, Int) {
        // prefix[n] = x[0..<n]², suffix[n] = x[n..<count]² (the two running sums in one loop).
        let prefix = sums
        let suffix = sums + count + 1
        prefix[0] = 0
        suffix[count] = 0
        for index in 0..<count {
            let back = count - 1 - index
            prefix[index + 1] = prefix[index] + x[index] * x[index]
            suffix[back] = suffix[back + 1] + x[back] * x[back]
        }
        var dipped = false
        var best = 0.0
        var bestLag = 0
        var lag0 = 1
        while lag0 <= maxLag {
            let lags = min(Self.lanes, maxLag - lag0 + 1)
            // c_k sums single[i] · single[i + lag0 + k] for i in 0..<count - lag0, in order; past the end the
            // products are with the zeros (exactly +0). Sixteen independent sums: plain scalars, not SIMD types
            // (which a debug build runs through generic calls), that the optimizer turns into vector lanes.
            var c0: Float = 0, c1: Float = 0, c2: Float = 0, c3: Float = 0
            var c4: Float = 0, c5: Float = 0, c6: Float = 0, c7: Float = 0
            var c8: Float = 0, c9: Float = 0, c10: Float = 0, c11: Float = 0
            var c12: Float = 0, c13: Float = 0, c14: Float = 0, c15: Float = 0
            var y = single + lag0
            for i in 0..<(count - lag0) {
                let a = single[i]
                c0 += a * y[0]
                c1 += a * y[1]
                c2 += a * y[2]
                c3 += a * y[3]
                c4 += a * y[4]
                c5 += a * y[5]
                c6 += a * y[6]
                c7 += a * y[7]
                c8 += a * y[8]
                c9 += a * y[9]
                c10 += a * y[10]
                c11 += a * y[11]
                c12 += a * y[12]
                c13 += a * y[13]
                c14 += a * y[14]
                c15 += a * y[15]
                y += 1
            }
            let cross = (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15)
            for k in 0..<lags {
                let lag = lag0 + k
                let c = Double(withUnsafeBytes(of: cross) { $0.load(fromByteOffset: k * 4, as: Float.self) })
                let energies = prefix[count - lag] * suffix[lag]
                // r = c / √energies (0 when the energies are 0): negative exactly when c is (dip); the square
                // root and division are spent only on a lag that may beat the best (r² ≥ best², with a margin
                // far above rounding), which is then decided on r itself.
                guard energies > 0 else { continue }
                if c < 0 {
                    dipped = true
                    continue
                }
                guard dipped, lag >= minLag, c * c >= best * best * energies * (1 - 1e-9) else { continue }
                let r = c / energies.squareRoot()
                if r > best {
                    best = r
                    bestLag = lag
                    if best >= enough { return (best, bestLag) }
                }
            }
            lag0 += lags
            if dipped, lag0 < minLag { lag0 = minLag }
        }
        return (best, bestLag)
    }
}
