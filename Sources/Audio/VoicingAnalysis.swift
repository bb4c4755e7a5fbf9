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
        var sum = 0.0
        for sample in samples {
            let value = Double(sample)
            sum += value * value
        }
        let meanSquare = sum / Double(samples.count)
        return decibels(power: meanSquare / (32768.0 * 32768.0))
    }

    /// Analyses one frame. `skipPeriodicityBelowDB`: quieter frames get periodicity 0 without the search.
    public static func analyse(_ samples: [Int16], sampleRate: Int, skipPeriodicityBelowDB: Double = -60) -> VoicingAnalysis {
        samples.withUnsafeBufferPointer {
            analyse($0, sampleRate: sampleRate, skipPeriodicityBelowDB: skipPeriodicityBelowDB)
        }
    }

    /// The same for a frame in place (the media pipeline's frame buffer).
    public static func analyse(
        _ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, skipPeriodicityBelowDB: Double = -60
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
        // terms (twice the lanes per vector instruction) and the running sums of its squares.
        let (best, bestLag) = withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * count + 2) { scratch in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { single in
                guard let x = scratch.baseAddress, let y = single.baseAddress else { return (0.0, 0) }
                decimate(samples, factor: factor, count: count, into: x)
                for index in 0..<count { y[index] = Float(x[index]) }
                return bestPitch(x, y, count: count, minLag: minLag, maxLag: maxLag, sums: x + count)
            }
        }
        return VoicingAnalysis(levelDB: level, periodicity: best, pitchLag: bestLag, analysedRate: rate)
    }

    /// Box-averages `factor` samples into each of the `count` values at `x` and removes their mean.
    @inline(__always)
    private static func decimate(
        _ samples: UnsafeBufferPointer<Int16>, factor: Int, count: Int, into x: UnsafeMutablePointer<Double>
    ) {
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

    /// The best normalized autocorrelation of the `count` values at `x` over lags `minLag...maxLag`, searched
    /// once it has turned negative, and its lag. The energies of the overlapping parts come from running sums
    /// of squares (`sums`: 2 × count + 2 values of scratch), the cross terms are summed eight lags at a time
    /// over `single` (`x` in Float: a periodicity off by about 1e-6, far below any threshold), and lags below
    /// `minLag` are computed only until the correlation has dipped.
    @inline(__always)
    private static func bestPitch(
        _ x: UnsafeMutablePointer<Double>, _ single: UnsafeMutablePointer<Float>, count: Int, minLag: Int,
        maxLag: Int, sums: UnsafeMutablePointer<Double>
    ) -> (Double, Int) {
        // prefix[n] = x[0..<n]², suffix[n] = x[n..<count]².
        let prefix = sums
        let suffix = sums + count + 1
        prefix[0] = 0
        for index in 0..<count { prefix[index + 1] = prefix[index] + x[index] * x[index] }
        suffix[count] = 0
        var index = count - 1
        while index >= 0 {
            suffix[index] = suffix[index + 1] + x[index] * x[index]
            index -= 1
        }
        var dipped = false
        var best = 0.0
        var bestLag = 0
        var lag0 = 1
        while lag0 <= maxLag {
            let lags = min(8, maxLag - lag0 + 1)
            // All eight lags share the first `count - lag0 - 7` terms: one pass, eight independent sums (plain
            // scalars, not SIMD types, which a debug build would run through generic calls).
            let shared = max(0, count - lag0 - 7)
            var c0: Float = 0, c1: Float = 0, c2: Float = 0, c3: Float = 0
            var c4: Float = 0, c5: Float = 0, c6: Float = 0, c7: Float = 0
            var y = single + lag0
            for i in 0..<shared {
                let a = single[i]
                c0 += a * y[0]
                c1 += a * y[1]
                c2 += a * y[2]
                c3 += a * y[3]
                c4 += a * y[4]
                c5 += a * y[5]
                c6 += a * y[6]
                c7 += a * y[7]
                y += 1
            }
            let cross = (c0, c1, c2, c3, c4, c5, c6, c7)
            for k in 0..<lags {
                let lag = lag0 + k
                var c: Float
                switch k {
                case 0: c = cross.0
                case 1: c = cross.1
                case 2: c = cross.2
                case 3: c = cross.3
                case 4: c = cross.4
                case 5: c = cross.5
                case 6: c = cross.6
                default: c = cross.7
                }
                var i = shared
                while i < count - lag {
                    c += single[i] * single[i + lag]
                    i += 1
                }
                let denominator = (prefix[count - lag] * suffix[lag]).squareRoot()
                let r = denominator > 0 ? Double(c) / denominator : 0
                if r < 0 { dipped = true }
                if dipped, lag >= minLag, r > best {
                    best = r
                    bestLag = lag
                }
            }
            lag0 += lags
            if dipped, lag0 < minLag { lag0 = minLag }
        }
        return (best, bestLag)
    }
}
