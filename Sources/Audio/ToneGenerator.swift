import Foundation

/// Sine tones, tone pairs and silence as 16-bit samples. Levels are in dBm0 (ITU G.711: a 0 dBm0 sine has a
/// peak 3.17 dB below the µ-law overload point, about 22 700 in 16-bit) or dBFS (0 dBFS sine peak = 32 767).
public enum ToneGenerator {
    /// Peak amplitude (16-bit) of a sine at `dBm0`.
    public static func amplitude(dBm0: Double) -> Double {
        32767 * pow(10, (dBm0 - 3.17) / 20)
    }

    /// Peak amplitude (16-bit) of a sine at `dBFS`.
    public static func amplitude(dBFS: Double) -> Double {
        32767 * pow(10, dBFS / 20)
    }

    /// A sine of `frequency` Hz with the given peak amplitude, starting at `phase` radians.
    public static func sine(
        frequency: Double, amplitude: Double, durationMs: Int, sampleRate: Int, phase: Double = 0
    ) -> [Int16] {
        sum([(frequency, amplitude)], durationMs: durationMs, sampleRate: sampleRate, phase: phase)
    }

    /// The sum of several sines (e.g. a DTMF pair), clipped to 16 bits.
    public static func sum(
        _ components: [(frequency: Double, amplitude: Double)], durationMs: Int, sampleRate: Int, phase: Double = 0
    ) -> [Int16] {
        let n = sampleRate * durationMs / 1000
        var out = [Int16](repeating: 0, count: n)
        let steps = components.map { 2 * Double.pi * $0.frequency / Double(sampleRate) }
        for i in 0..<n {
            var v = 0.0
            for (c, step) in zip(components, steps) { v += c.amplitude * sin(phase + step * Double(i)) }
            out[i] = clip(v)
        }
        return out
    }

    /// Digital silence.
    public static func silence(durationMs: Int, sampleRate: Int) -> [Int16] {
        [Int16](repeating: 0, count: sampleRate * durationMs / 1000)
    }

    /// Rounds and clips a value to 16 bits.
    public static func clip(_ v: Double) -> Int16 {
        Int16(max(-32768, min(32767, v.rounded())))
    }
}
