// G.711 packet-loss concealment in the manner of ITU-T G.711 Appendix I: a lost 20 ms frame is filled by
// repeating the last pitch period(s) of the received speech instead of silence, with overlap-add at the
// joints, fading out over 60 ms, and a cross-fade back into the first frame that arrives again.

/// Waveform-substitution packet-loss concealment for 8 kHz G.711 (after ITU-T G.711 Appendix I).
///
/// Feed every decoded frame to `received(_:)` (which may touch up its start after a loss) and call
/// `conceal(into:)` for each frame that did not arrive. On the first lost frame the pitch period (5–15 ms) of
/// the last 48.75 ms is found by normalised cross-correlation; the erasure is filled by cycling through the
/// last pitch period (two after 10 ms, three after 20 ms, as Appendix I does to avoid a buzz), the loop's
/// joint smoothed by a quarter-period overlap-add. From 10 ms on the output fades by 20 % per 10 ms and is
/// silent after 60 ms. The first good frame is cross-faded from the synthetic signal over 4 ms (plus 4 ms per
/// further 10 ms lost, at most 10 ms). Unlike Appendix I there is no 3.75 ms output delay: the loop starts
/// one pitch period back, which continues a periodic signal in phase. Allocation-free after `init`.
public struct G711Concealer: Sendable {
    static let minPitch = 40
    static let maxPitch = 120
    static let correlationLength = 160
    static let historyLength = 3 * maxPitch + maxPitch / 4
    static let samplesPer10ms = 80
    /// Concealed samples after which the output is silent (60 ms).
    static let silentAfter = 6 * samplesPer10ms

    /// The last `historyLength` samples played (received or concealed): a ring whose oldest sample is at
    /// `historyStart` (a frame is written in place, nothing is shifted).
    private var history: [Int16]
    private var historyStart = 0
    /// `history` as it was when the current erasure began (the loops are cut from it).
    private var source: [Float]
    private var loop: [Float]
    private var loopLength = 0
    private var periods = 0
    private var position = 0
    private var pitch = 0
    /// Samples concealed in the current erasure (0 = none in progress).
    private var erased = 0
    /// Frames concealed since `init`.
    public private(set) var concealedFrames = 0

    public init() {
        history = [Int16](repeating: 0, count: Self.historyLength)
        source = [Float](repeating: 0, count: Self.historyLength)
        loop = [Float](repeating: 0, count: 3 * Self.maxPitch)
    }

    /// The pitch period (samples) of the erasure in progress or the last one; 0 before any.
    public var pitchPeriod: Int { pitch }

    /// A frame that arrived: after an erasure its first samples are cross-faded from the synthetic signal.
    public mutating func received(_ frame: UnsafeMutableBufferPointer<Int16>) {
        if erased > 0, erased < Self.silentAfter {
            let fade = min(Self.samplesPer10ms, 32 + 32 * ((erased - 1) / Self.samplesPer10ms))
            let n = min(fade, frame.count)
            for i in 0..<n {
                let synthetic = nextSynthetic()
                let w = Float(i + 1) / Float(n + 1)
                frame[i] = Self.clamp((1 - w) * synthetic + w * Float(frame[i]))
            }
        }
        erased = 0
        remember(UnsafeBufferPointer(frame))
    }

    /// Fills `output` for a frame that did not arrive.
    public mutating func conceal(into output: UnsafeMutableBufferPointer<Int16>) {
        if erased == 0 { startErasure() }
        concealedFrames += 1
        if erased >= Self.silentAfter + Self.historyLength {
            // Long faded out and the history is all zeros: a lost stream costs no more than silence.
            for i in output.indices { output[i] = 0 }
            erased += output.count
            return
        }
        for i in output.indices { output[i] = Self.clamp(nextSynthetic()) }
        remember(UnsafeBufferPointer(output))
    }

    /// Forgets an erasure in progress (e.g. the stream switched to comfort noise).
    public mutating func reset() { erased = 0 }

    // MARK: Internals

    private mutating func startErasure() {
        let start = historyStart
        for i in 0..<Self.historyLength {
            let j = start + i
            source[i] = Float(history[j < Self.historyLength ? j : j - Self.historyLength])
        }
        pitch = Self.findPitch(source)
        periods = 0
        position = 0
        buildLoop(periods: 1)
    }

    /// The next synthetic sample (attenuated), advancing the loop and the erasure clock.
    private mutating func nextSynthetic() -> Float {
        let wanted = erased < Self.samplesPer10ms ? 1 : (erased < 2 * Self.samplesPer10ms ? 2 : 3)
        if wanted != periods { buildLoop(periods: wanted) }
        let gain: Float
        if erased < Self.samplesPer10ms {
            gain = 1
        } else {
            gain = max(0, 1 - 0.2 * Float(erased - Self.samplesPer10ms) / Float(Self.samplesPer10ms))
        }
        let sample = loop[position] * gain
        position += 1
        if position == loopLength { position = 0 }
        erased += 1
        return sample
    }

    /// The last `count` pitch periods of `source`, the loop's end blended into what preceded its start so
    /// that going round is smooth. Going from n to n+1 periods keeps the phase (the same sample is one period
    /// further into the longer loop).
    private mutating func buildLoop(periods count: Int) {
        let end = Self.historyLength
        let length = count * pitch
        let overlap = pitch / 4
        for i in 0..<length { loop[i] = source[end - length + i] }
        for j in 0..<overlap {
            let w = Float(j + 1) / Float(overlap + 1)
            loop[length - overlap + j] = (1 - w) * source[end - overlap + j] + w * source[end - length - overlap + j]
        }
        if periods > 0 { position += (count - periods) * pitch }
        periods = count
        loopLength = length
        if position >= loopLength { position %= loopLength }
    }

    private mutating func remember(_ samples: UnsafeBufferPointer<Int16>) {
        let n = min(samples.count, Self.historyLength)
        guard n > 0, let source = samples.baseAddress else { return }
        let from = source + (samples.count - n)
        let start = historyStart
        history.withUnsafeMutableBufferPointer { history in
            guard let base = history.baseAddress, history.count == Self.historyLength else { return }
            // The oldest n samples are overwritten by the new ones, which become the newest.
            let first = min(n, Self.historyLength - start)
            (base + start).update(from: from, count: first)
            if first < n { base.update(from: from + first, count: n - first) }
        }
        let next = start + n
        historyStart = next >= Self.historyLength ? next - Self.historyLength : next
    }

    /// The lag (40…120 samples) whose segment best matches the last 20 ms, by normalised cross-correlation.
    static func findPitch(_ x: [Float]) -> Int {
        let end = historyLength
        let start = end - correlationLength
        var best = maxPitch
        var bestScore: Float = -.greatestFiniteMagnitude
        x.withUnsafeBufferPointer { x in
            for lag in minPitch...maxPitch {
                var correlation: Float = 0
                var energy: Float = 0
                for i in 0..<correlationLength {
                    let a = x[start + i]
                    let b = x[start - lag + i]
                    correlation += a * b
                    energy += b * b
                }
                let score = energy > 0 ? correlation / energy.squareRoot() : 0
                if score > bestScore {
                    bestScore = score
                    best = lag
                }
            }
        }
        return best
    }

    static func clamp(_ value: Float) -> Int16 {
        Int16(max(-32768, min(32767, value.rounded())))
    }
}
