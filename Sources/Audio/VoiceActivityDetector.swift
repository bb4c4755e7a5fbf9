/// Energy-based voice activity detection with endpointing, per frame (any rate, any frame length; 20 ms is
/// the norm). A frame is voiced when its level exceeds an adaptive noise floor by `thresholdDB` (and the
/// absolute `minLevelDBFS`). An onset becomes an utterance only after `minSpeechMs` of voiced frames (dips up
/// to `onsetHangoverMs` allowed), so clicks do not count; it ends after `endSilenceMs` without voice. The noise
/// floor falls fast and rises slowly, so steady background noise (fans, line hiss) is learnt, not detected.
public struct VoiceActivityDetector: Sendable {
    public struct Configuration: Sendable {
        /// Silence that ends an utterance (end-of-turn).
        public var endSilenceMs = 500
        /// Voiced time an onset needs to count as speech.
        public var minSpeechMs = 120
        /// Unvoiced gap an onset may contain before it is dropped.
        public var onsetHangoverMs = 60
        /// How far above the noise floor a frame must be to start (or continue an onset of) speech.
        public var thresholdDB = 6.0
        /// How far above the noise floor a frame must be to keep an utterance going (hysteresis).
        public var continueThresholdDB = 4.0
        /// Added before the first voiced frame and after the last one, for the weak edges of words that sink
        /// under the noise floor (the span handed on then includes them).
        public var startPaddingMs = 20
        public var endPaddingMs = 40
        /// Frames quieter than this are never voiced.
        public var minLevelDBFS = -50.0
        /// The floor never goes below this (digital silence would otherwise pull it to -∞).
        public var noiseFloorMinDBFS = -75.0
        /// Frames below this carry no signal at all (digital silence: a jitter buffer's fill for a late or lost
        /// packet, a muted or on-hold line). They are never voiced and, once the floor is known, teach it
        /// nothing: a line whose noise is interrupted by such gaps would otherwise see its floor dragged down
        /// and its noise taken for speech.
        public var digitalSilenceDBFS = -85.0
        /// How fast the floor follows quieter frames, and louder non-speech frames (fraction per 20 ms).
        public var floorFallRate = 0.25
        public var floorRiseRate = 0.03
        /// Upward drift while frames are loud (dB per second), so a step up in noise is learnt eventually.
        public var floorDriftDBPerSecond = 0.5
        /// Minimum statistics: if no frame came within `floorJumpDB` of the floor for this long, the noise
        /// has stepped up and the floor jumps to the window's quietest frame (0 turns this off).
        public var floorWindowMs = 3000
        public var floorJumpDB = 3.0

        public init(endSilenceMs: Int = 500) {
            self.endSilenceMs = endSilenceMs
        }
    }

    private enum State: Sendable {
        case silence
        case onset(startMs: Int, voicedMs: Double, gapMs: Double)
        case speech(lastVoicedEndMs: Int, silentMs: Double)
    }

    public let configuration: Configuration
    private var state = State.silence
    private var minimum: SlidingMinimum
    public private(set) var noiseFloorDB: Double?
    /// Level of the last frame, dBFS.
    public private(set) var lastLevelDB = -150.0
    /// Whether the last frame was voiced.
    public private(set) var lastFrameVoiced = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        minimum = SlidingMinimum(windowMs: configuration.floorWindowMs)
    }

    /// True between `speechStart` and `speechEnd` (use for barge-in).
    public var inSpeech: Bool {
        if case .speech = state { return true }
        return false
    }

    /// Feeds one frame; returns the events it completes.
    public mutating func process(_ frame: PCMFrame) -> [VADEvent] {
        frame.samples.withUnsafeBufferPointer {
            process($0, sampleRate: frame.sampleRate, timestampMs: frame.timestampMs)
        }
    }

    /// Feeds samples whose first one is at `timestampMs`. Allocation only when an event is returned.
    public mutating func process(
        _ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, timestampMs: Int
    ) -> [VADEvent] {
        guard !samples.isEmpty, sampleRate > 0 else { return [] }
        var sum: Int64 = 0
        for s in samples { sum &+= Int64(s) * Int64(s) }
        let meanSquare = Double(sum) / Double(samples.count) / (32768.0 * 32768.0)
        let level = decibels(power: meanSquare)
        let durMs = Double(samples.count) * 1000 / Double(sampleRate)
        let endMs = timestampMs + Int((durMs).rounded())
        return step(level: level, startMs: timestampMs, endMs: endMs, durationMs: durMs)
    }

    /// Closes an utterance still open at the end of a stream.
    public mutating func finish() -> [VADEvent] {
        defer { state = .silence }
        if case .speech(let last, _) = state { return [.speechEnd(ms: last + configuration.endPaddingMs)] }
        return []
    }

    private mutating func step(level: Double, startMs: Int, endMs: Int, durationMs: Double) -> [VADEvent] {
        let c = configuration
        let signal = level >= c.digitalSilenceDBFS
        let floor = noiseFloorDB ?? max(level, c.noiseFloorMinDBFS)
        let margin = inSpeech ? c.continueThresholdDB : c.thresholdDB
        let voiced = signal && level >= max(floor + margin, c.minLevelDBFS)
        lastLevelDB = level
        lastFrameVoiced = voiced
        if signal || noiseFloorDB == nil { updateFloor(floor, level: level, voiced: voiced, durationMs: durationMs) }

        switch state {
        case .silence:
            if voiced { state = .onset(startMs: startMs, voicedMs: durationMs, gapMs: 0) }
        case .onset(let start, let voicedMs, let gapMs):
            if voiced {
                let total = voicedMs + durationMs
                if total >= Double(c.minSpeechMs) {
                    state = .speech(lastVoicedEndMs: endMs, silentMs: 0)
                    return [.speechStart(ms: max(0, start - c.startPaddingMs))]
                }
                state = .onset(startMs: start, voicedMs: total, gapMs: 0)
            } else {
                let gap = gapMs + durationMs
                state =
                    gap > Double(c.onsetHangoverMs) ? .silence : .onset(startMs: start, voicedMs: voicedMs, gapMs: gap)
            }
        case .speech(let last, let silentMs):
            if voiced {
                state = .speech(lastVoicedEndMs: endMs, silentMs: 0)
            } else {
                let silent = silentMs + durationMs
                if silent >= Double(c.endSilenceMs) {
                    state = .silence
                    return [.speechEnd(ms: last + c.endPaddingMs)]
                }
                state = .speech(lastVoicedEndMs: last, silentMs: silent)
            }
        }
        return []
    }

    private mutating func updateFloor(_ floor: Double, level: Double, voiced: Bool, durationMs: Double) {
        let c = configuration
        let k = durationMs / 20
        var f = floor
        if level < floor {
            f += (level - floor) * min(1, c.floorFallRate * k)
        } else if !voiced {
            f += (level - floor) * min(1, c.floorRiseRate * k)
        } else {
            f += c.floorDriftDBPerSecond * durationMs / 1000
        }
        if c.floorWindowMs > 0 {
            minimum.add(level, durationMs: durationMs)
            if let m = minimum.minimum, m > f + c.floorJumpDB { f = m }
        }
        noiseFloorDB = max(f, c.noiseFloorMinDBFS)
    }
}
