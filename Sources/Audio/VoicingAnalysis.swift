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
        // Decimate (box average) and remove the mean.
        let count = samples.count / factor
        var x = [Double](repeating: 0, count: count)
        var mean = 0.0
        for index in 0..<count {
            var sum = 0.0
            for k in 0..<factor { sum += Double(samples[index * factor + k]) }
            x[index] = sum / Double(factor)
            mean += x[index]
        }
        mean /= Double(max(1, count))
        for index in 0..<count { x[index] -= mean }
        let minLag = max(2, rate / 400)
        let maxLag = min(count - count / 4, rate / 60)
        guard maxLag > minLag else { return VoicingAnalysis(levelDB: level, periodicity: 0, pitchLag: 0, analysedRate: rate) }
        var dipped = false
        var best = 0.0
        var bestLag = 0
        x.withUnsafeBufferPointer { x in
            for lag in 1...maxLag {
                var cross = 0.0
                var head = 0.0
                var tail = 0.0
                for index in 0..<(count - lag) {
                    let a = x[index]
                    let b = x[index + lag]
                    cross += a * b
                    head += a * a
                    tail += b * b
                }
                let denominator = (head * tail).squareRoot()
                let r = denominator > 0 ? cross / denominator : 0
                if r < 0 { dipped = true }
                if dipped, lag >= minLag, r > best {
                    best = r
                    bestLag = lag
                }
            }
        }
        return VoicingAnalysis(levelDB: level, periodicity: best, pitchLag: bestLag, analysedRate: rate)
    }
}
