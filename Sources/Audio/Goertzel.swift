import Foundation

/// The Goertzel algorithm for eight frequencies at once (SIMD): feed samples, read each frequency's power over
/// the block. Power is normalised to the mean square of a sine at that frequency, so a sine of peak `a` reads
/// about `a² / 2` — directly comparable with the block's mean-square energy.
public struct Goertzel8: Sendable {
    public let frequencies: [Double]
    public let sampleRate: Int
    private let coefficients: SIMD8<Float>
    private var s1 = SIMD8<Float>(repeating: 0)
    private var s2 = SIMD8<Float>(repeating: 0)
    public private(set) var count = 0

    /// Up to eight frequencies (missing ones are ignored).
    public init(frequencies: [Double], sampleRate: Int) {
        self.frequencies = Array(frequencies.prefix(8))
        self.sampleRate = sampleRate
        var c = SIMD8<Float>(repeating: 0)
        for (i, f) in self.frequencies.enumerated() {
            c[i] = Float(2 * cos(2 * Double.pi * f / Double(sampleRate)))
        }
        coefficients = c
    }

    @inline(__always)
    public mutating func feed(_ sample: Float) {
        let s0 = SIMD8<Float>(repeating: sample) + coefficients * s1 - s2
        s2 = s1
        s1 = s0
        count += 1
    }

    /// Normalised power at each frequency over the samples fed since the last reset.
    public func powers() -> SIMD8<Float> {
        guard count > 0 else { return .zero }
        let raw = s1 * s1 + s2 * s2 - coefficients * s1 * s2
        let n = Float(count)
        return raw * (2 / (n * n))
    }

    public mutating func reset() {
        s1 = .zero
        s2 = .zero
        count = 0
    }
}
