import Audio
import Foundation
import SwitchboardTestKit
import Testing

@Suite struct ResamplerTests {
    static let pairs: [(Int, Int)] = [
        (8000, 16000), (8000, 48000), (16000, 8000), (24000, 8000), (48000, 16000), (48000, 8000), (8000, 24000),
        (16000, 48000),
    ]

    /// Frequency from positive-going zero crossings.
    static func frequency(_ s: [Int16], sampleRate: Int) -> Double {
        var crossings: [Double] = []
        for i in 1..<s.count where s[i - 1] < 0 && s[i] >= 0 {
            let a = Double(s[i - 1])
            let b = Double(s[i])
            crossings.append(Double(i - 1) + (-a) / (b - a))
        }
        guard let first = crossings.first, let last = crossings.last, crossings.count > 1 else { return 0 }
        return Double(crossings.count - 1) * Double(sampleRate) / (last - first)
    }

    @Test(arguments: pairs.indices)
    func streamingKeepsFrequencyAndLevelWithoutClicks(pair: Int) throws {
        let (from, to) = Self.pairs[pair]
        let amplitude = 12000.0
        let tone = ToneGenerator.sine(frequency: 1000, amplitude: amplitude, durationMs: 500, sampleRate: from)
        let r = try Resampler(from: from, to: to)
        var streamed: [Int16] = []
        for f in stride(from: 0, to: tone.count, by: from / 50) {
            streamed += r.process(Array(tone[f..<f + from / 50]))
        }
        #expect(streamed.count == tone.count * to / from)
        let steady = Array(streamed[(to / 20)...])  // skip 50 ms of filter start-up
        let freq = Self.frequency(steady, sampleRate: to)
        #expect(abs(freq - 1000) < 1, "\(from)→\(to): \(freq) Hz")
        let level = TestAudio.toneRMS(steady, frequency: 1000, sampleRate: to)
        #expect(abs(20 * log10(level / (amplitude / 2.0.squareRoot()))) < 0.5)
        // No click: no step between samples bigger than a 1 kHz sine can make (plus a little ripple).
        let maxStep = 2 * Double.pi * 1000 / Double(to) * amplitude * 1.1
        for i in 1..<steady.count { #expect(abs(Double(steady[i]) - Double(steady[i - 1])) <= maxStep) }
        // Streaming in odd chunk sizes gives exactly what one call gives.
        let whole = try Resampler(from: from, to: to).process(tone)
        let odd = try Resampler(from: from, to: to)
        var chunked: [Int16] = []
        var i = 0
        for size in [7, 100, 1, 333, 64].cycled(until: tone.count) {
            let end = min(tone.count, i + size)
            chunked += odd.process(Array(tone[i..<end]))
            i = end
            if i == tone.count { break }
        }
        #expect(chunked.count == whole.count)
        #expect(chunked == whole)
    }

    @Test func offlineResampleIsAlignedAndSized() throws {
        let tone = ToneGenerator.sine(frequency: 1000, amplitude: 8000, durationMs: 200, sampleRate: 8000)
        let up = try Resampler.resample(tone, from: 8000, to: 48000)
        #expect(up.count == tone.count * 6)
        // Aligned: the zero phase start stays near sample 0 (the sine rises from 0).
        #expect(abs(Int(up[60 * 6])) < 800)
        #expect(throws: AudioError.self) { try Resampler(from: 0, to: 8000) }
        #expect(throws: AudioError.self) { try Resampler(from: 8000, to: 16000, quality: 11) }
    }
}

extension Array {
    /// Repeats the elements until at least `count` have been produced (test helper).
    func cycled(until count: Int) -> [Element] {
        guard !isEmpty else { return [] }
        var out: [Element] = []
        while out.count < count { out += self }
        return out
    }
}
