import CSpeexDSP

/// A streaming mono resampler (libspeexdsp) between any two rates, e.g. 8/16/24/48 kHz. It keeps its filter
/// state between calls, so feeding a signal frame by frame gives the same output as feeding it whole: no
/// clicks at frame edges. Output lags input by `latencyOutputSamples`. Not thread-safe; one per stream.
public final class Resampler {
    public let inputRate: Int
    public let outputRate: Int
    public let quality: Int
    private let state: OpaquePointer
    private var scratch: [Int16] = []

    /// `quality` 0 (fastest) … 10 (best); libspeexdsp's default is 4, its VoIP setting 3.
    public init(from inputRate: Int, to outputRate: Int, quality: Int = 4) throws(AudioError) {
        guard inputRate > 0, outputRate > 0, inputRate <= 384_000, outputRate <= 384_000 else {
            throw AudioError(
                .invalidArgument, "resampler rates must be 1…384000 Hz, got \(inputRate) → \(outputRate)")
        }
        guard (0...10).contains(quality) else {
            throw AudioError(.invalidArgument, "resampler quality must be 0…10, got \(quality)")
        }
        var err: Int32 = 0
        guard let st = speex_resampler_init(1, UInt32(inputRate), UInt32(outputRate), Int32(quality), &err), err == 0
        else {
            throw AudioError(.resampler, "speex_resampler_init: \(String(cString: speex_resampler_strerror(err)))")
        }
        state = st
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.quality = quality
    }

    deinit { speex_resampler_destroy(state) }

    /// Output samples produced for `inputCount` input samples, at most (exact for whole 20 ms frames).
    public func maxOutputCount(forInput inputCount: Int) -> Int {
        (inputCount * outputRate + inputRate - 1) / inputRate + 2
    }

    /// Delay the filter adds, in output samples.
    public var latencyOutputSamples: Int { Int(speex_resampler_get_output_latency(state)) }

    /// Resamples `input` into `output` (at least `maxOutputCount(forInput:)` long); returns samples written.
    /// Consumes all of `input`. No allocation.
    public func process(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) -> Int {
        guard let inBase = input.baseAddress, let outBase = output.baseAddress else { return 0 }
        var consumed = 0
        var written = 0
        while consumed < input.count, written < output.count {
            var inLen = UInt32(input.count - consumed)
            var outLen = UInt32(output.count - written)
            speex_resampler_process_int(state, 0, inBase + consumed, &inLen, outBase + written, &outLen)
            if inLen == 0 && outLen == 0 { break }
            consumed += Int(inLen)
            written += Int(outLen)
        }
        return written
    }

    /// Resamples a chunk of samples.
    public func process(_ input: [Int16]) -> [Int16] {
        let capacity = maxOutputCount(forInput: input.count)
        if scratch.count < capacity { scratch = [Int16](repeating: 0, count: capacity) }
        let n = input.withUnsafeBufferPointer { i in
            scratch.withUnsafeMutableBufferPointer { o in process(i, into: o) }
        }
        return Array(scratch[0..<n])
    }

    /// Resamples one frame, keeping its timestamp.
    public func process(_ frame: PCMFrame) -> PCMFrame {
        PCMFrame(samples: process(frame.samples), sampleRate: outputRate, timestampMs: frame.timestampMs)
    }

    /// Clears the filter history (e.g. before an unrelated stream).
    public func reset() {
        speex_resampler_reset_mem(state)
    }

    /// Resamples a whole signal in one go and drops the filter delay, so output sample i lines up with
    /// input time i / outputRate. For files and tests; streams use `process`.
    public static func resample(
        _ samples: [Int16], from inputRate: Int, to outputRate: Int, quality: Int = 4
    ) throws(AudioError) -> [Int16] {
        guard inputRate != outputRate else { return samples }
        let r = try Resampler(from: inputRate, to: outputRate, quality: quality)
        let delay = r.latencyOutputSamples
        let padIn = (delay * inputRate + outputRate - 1) / outputRate + 1
        var out = r.process(samples + [Int16](repeating: 0, count: padIn))
        let wanted = samples.count * outputRate / inputRate
        out.removeFirst(min(delay, out.count))
        if out.count > wanted { out.removeLast(out.count - wanted) }
        return out
    }
}
