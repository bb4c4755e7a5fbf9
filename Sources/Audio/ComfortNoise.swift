// RFC 3389 comfort noise: the level a CN packet carries, played back as low-level noise while the caller's
// phone is in DTX (sends CN instead of audio). Deterministic (a fixed-seed LCG) and allocation-free.

/// Generates the comfort noise a caller's CN packets describe (RFC 3389 §3: the level only; spectral
/// shaping coefficients, when present, are ignored — flat noise is what RFC 3389 §4 allows a receiver).
public struct ComfortNoise: Sendable {
    /// RFC 3551 static payload type of CN at 8 kHz.
    public static let payloadType: UInt8 = 13

    private var state: UInt32

    public init(seed: UInt32 = 0x2545_F491) {
        state = seed
    }

    /// RMS amplitude (16-bit linear) of noise at `level` −dBov (0…127; 0 dBov = a full-scale square wave,
    /// as for µ-law/A-law). 127 is as quiet as it gets.
    public static func rms(level: UInt8) -> Double {
        32767 * _pow10(-Double(min(level, 127)) / 20)
    }

    /// Fills `output` with flat noise at `level` −dBov.
    public mutating func fill(_ output: UnsafeMutableBufferPointer<Int16>, level: UInt8) {
        // Uniform noise in [-a, a] has RMS a/√3.
        let amplitude = Int32(min(32767, (Self.rms(level: level) * 1.732_050_8).rounded()))
        guard amplitude > 0 else {
            for i in output.indices { output[i] = 0 }
            return
        }
        let span = UInt32(2 * amplitude + 1)
        for i in output.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            output[i] = Int16(Int32((state >> 8) % span) - amplitude)
        }
    }
}
