// VoicingAnalysis's fast search (running sums of squares, eight lags at a time in Float, stack scratch) finds
// what the plain normalized autocorrelation finds: the same lag and the same periodicity (to 1e-5) on voiced,
// noisy, low-pass, silent and odd-length frames at 8, 16 and 48 kHz.
import Audio
import Foundation
import SwitchboardTestKit
import Testing

struct VoicingAnalysisTests {
    /// The plain search (the implementation before the fast one): every lag's three sums from scratch.
    static func reference(_ samples: [Int16], sampleRate: Int) -> (periodicity: Double, lag: Int, r: [Double]) {
        let factor = max(1, sampleRate / 8000)
        let rate = sampleRate / factor
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
        guard maxLag > minLag else { return (0, 0, []) }
        var rs = [0.0]
        var dipped = false
        var best = 0.0
        var bestLag = 0
        for lag in 1...maxLag {
            var cross = 0.0
            var head = 0.0
            var tail = 0.0
            for index in 0..<(count - lag) {
                cross += x[index] * x[index + lag]
                head += x[index] * x[index]
                tail += x[index + lag] * x[index + lag]
            }
            let denominator = (head * tail).squareRoot()
            let r = denominator > 0 ? cross / denominator : 0
            rs.append(r)
            if r < 0 { dipped = true }
            if dipped, lag >= minLag, r > best {
                best = r
                bestLag = lag
            }
        }
        return (best, bestLag, rs)
    }

    /// A voiced-like frame: a pitch and three harmonics plus noise, or plain noise, or a slow (low-pass) walk.
    static func frame(kind: Int, count: Int, sampleRate: Int, seed: UInt64) -> [Int16] {
        var random = SplitMix64(seed: seed)
        let pitch = 80 + 300 * random.nextUnit()
        var walk = 0.0
        return (0..<count).map { n in
            let t = Double(n) / Double(sampleRate)
            let noise = random.nextUnit() * 2 - 1
            var value: Double
            switch kind {
            case 0:
                value = 0
                for h in 1...4 { value += 4000 / Double(h) * sin(2 * Double.pi * pitch * Double(h) * t + Double(h)) }
                value += 300 * noise
            case 1: value = 3000 * noise
            default:
                walk = 0.98 * walk + 600 * noise
                value = walk
            }
            return Int16(max(-32768, min(32767, value)))
        }
    }

    @Test(arguments: [(8000, 160), (8000, 240), (8000, 161), (16000, 320), (48000, 960), (8000, 80)])
    func fastSearchFindsThePlainSearchsPitch(sampleRate: Int, count: Int) {
        for kind in 0..<3 {
            for seed in UInt64(1)...UInt64(12) {
                let samples = Self.frame(kind: kind, count: count, sampleRate: sampleRate, seed: seed)
                let fast = VoicingAnalysis.analyse(samples, sampleRate: sampleRate)
                let plain = Self.reference(samples, sampleRate: sampleRate)
                // The same lag, or (cross terms in Float) one whose correlation ties the best to 1e-5.
                let tie = fast.pitchLag > 0 && fast.pitchLag < plain.r.count
                    && abs(plain.r[fast.pitchLag] - plain.periodicity) < 1e-5
                #expect(fast.pitchLag == plain.lag || tie, "kind \(kind) seed \(seed)")
                #expect(abs(fast.periodicity - plain.periodicity) < 1e-5, "kind \(kind) seed \(seed)")
            }
        }
        let silent = VoicingAnalysis.analyse([Int16](repeating: 0, count: count), sampleRate: sampleRate)
        #expect(silent.periodicity == 0 && silent.pitchLag == 0 && silent.levelDB == -150)
    }

    @Test func voicedFramesArePeriodicAndNoiseIsNot() {
        let voiced = Self.frame(kind: 0, count: 160, sampleRate: 8000, seed: 3)
        let noise = Self.frame(kind: 1, count: 160, sampleRate: 8000, seed: 3)
        #expect(VoicingAnalysis.analyse(voiced, sampleRate: 8000).periodicity > 0.7)
        #expect(VoicingAnalysis.analyse(noise, sampleRate: 8000).periodicity < 0.5)
    }
}
