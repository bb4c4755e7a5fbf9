/// Decides, frame by frame, whether caller audio heard while the bot speaks is a real interruption (stop the
/// bot) or a backchannel, cough or line noise (keep talking). Pure: frames (or their features) with
/// timestamps in, a decision out; the media pipeline calls it once per caller frame.
///
/// A frame is voice when it is loud enough (`minLevelDBFS`, and above the bot's echo when the bot's level is
/// known), periodic (`minPeriodicity`) and continues the previous frame's pitch (same period, or an octave):
/// noise bursts, clicks and coughs are aperiodic or jump in pitch. A burst of voice stops the bot
/// - at once (after `minSpeechMs` of voice) when it is as loud as the caller's own speech (its loudest frames
///   within `loudnessMarginDB` of `speechLevelDB`): interruptions are spoken up; backchannels ("mm-hmm",
///   "okay", "yeah") are typically quieter and shorter, or
/// - when it lasts (`sustainedSpeechMs` of voice), however soft: a quiet caller can still interrupt.
/// `speechLevelDB` is learnt from the caller's voice while the bot is silent (tracking about the 80th
/// percentile of voiced frame levels), starting from `initialSpeechLevelDBFS`.
public struct BargeInDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Voice needed before a loud burst stops the bot.
        public var minSpeechMs = 80
        /// Voice after which any burst stops the bot, however soft.
        public var sustainedSpeechMs = 700
        /// How far below the caller's speech level a burst's loudest frames may be and still stop the bot at once.
        public var loudnessMarginDB = 3.0
        /// The caller's speech level (dBFS, about the 80th percentile of voiced frames) until it is learnt.
        public var initialSpeechLevelDBFS = -18.0
        /// Frames quieter than this are never voice.
        public var minLevelDBFS = -40.0
        /// Periodicity a frame needs to count as voice.
        public var minPeriodicity = 0.7
        /// Echo of the bot's own audio comes back at least this much quieter (echo return loss, dB) …
        public var echoReturnLossDB = 12.0
        /// … and caller voice must exceed that echo level by this much.
        public var echoMarginDB = 6.0
        /// A gap without voice this long ends a burst (a new one starts from zero).
        public var burstGapMs = 300
        /// Learnt speech level is kept within these bounds (a line of pure noise cannot push it anywhere).
        public var speechLevelRange: ClosedRange<Double> = -40.0 ... -6.0

        public init() {}
    }

    public enum Decision: Sendable, Equatable {
        /// Keep talking.
        case none
        /// Stop the bot: a real interruption began at `onsetMs` (once per burst).
        case stop(onsetMs: Int)
    }

    public let configuration: Configuration
    /// The caller's speech level as learnt so far, dBFS.
    public private(set) var speechLevelDB: Double
    private var burstOnsetMs: Int?
    private var voicedMs = 0
    private var gapMs = 0
    private var loudest: [Double] = []
    private var previousLag = 0
    private var previousRate = 0
    private var stopped = false
    /// While the bot is silent a frame is only asked whether it is periodic (the search stops at the first
    /// lag that is); the pitch of a periodic one matters only if the bot speaks on the next frame, which then
    /// finds it from these samples.
    private var lagPending = false
    private var pendingSamples: [Int16] = []
    private var pendingRate = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        speechLevelDB = configuration.initialSpeechLevelDBFS
    }

    /// One caller frame. `botSpeaking`: bot audio that may be interrupted is playing now; `botLevelDB`: the level
    /// of the bot audio being played (for the echo check), when known.
    public mutating func process(_ frame: PCMFrame, botSpeaking: Bool, botLevelDB: Double? = nil) -> Decision {
        frame.samples.withUnsafeBufferPointer {
            process(
                $0, sampleRate: frame.sampleRate, atMs: frame.timestampMs,
                durationMs: Int(frame.durationMs.rounded()), botSpeaking: botSpeaking, botLevelDB: botLevelDB)
        }
    }

    /// The same for samples whose first one is at `atMs` (the media pipeline's per-tick call, no frame value).
    public mutating func process(
        _ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, atMs: Int, durationMs: Int, botSpeaking: Bool,
        botLevelDB: Double? = nil
    ) -> Decision {
        let skip = configuration.minLevelDBFS
        guard botSpeaking else {
            let analysis = VoicingAnalysis.analyse(
                samples, sampleRate: sampleRate, skipPeriodicityBelowDB: skip,
                enoughPeriodicity: configuration.minPeriodicity)
            let decision = decide(analysis, atMs: atMs, durationMs: durationMs, botSpeaking: false, botLevelDB: botLevelDB)
            lagPending = previousLag > 0
            if lagPending {
                pendingSamples.removeAll(keepingCapacity: true)
                pendingSamples.append(contentsOf: samples)
                pendingRate = sampleRate
            }
            return decision
        }
        if lagPending {
            // The previous frame was periodic: its pitch, found in full.
            previousLag = VoicingAnalysis.analyse(pendingSamples, sampleRate: pendingRate, skipPeriodicityBelowDB: skip)
                .pitchLag
            lagPending = false
        }
        let analysis = VoicingAnalysis.analyse(samples, sampleRate: sampleRate, skipPeriodicityBelowDB: skip)
        return decide(analysis, atMs: atMs, durationMs: durationMs, botSpeaking: true, botLevelDB: botLevelDB)
    }

    /// The same from a frame's features (when the pipeline has analysed it already).
    public mutating func process(
        _ analysis: VoicingAnalysis, atMs: Int, durationMs: Int, botSpeaking: Bool, botLevelDB: Double? = nil
    ) -> Decision {
        lagPending = false
        return decide(analysis, atMs: atMs, durationMs: durationMs, botSpeaking: botSpeaking, botLevelDB: botLevelDB)
    }

    private mutating func decide(
        _ analysis: VoicingAnalysis, atMs: Int, durationMs: Int, botSpeaking: Bool, botLevelDB: Double?
    ) -> Decision {
        let c = configuration
        let periodic = analysis.levelDB >= c.minLevelDBFS && analysis.periodicity >= c.minPeriodicity
        let continues = periodic && previousLag > 0 && previousRate == analysis.analysedRate
            && Self.samePitch(analysis.pitchLag, previousLag)
        previousLag = periodic ? analysis.pitchLag : 0
        previousRate = analysis.analysedRate
        guard botSpeaking else {
            if periodic { learn(analysis.levelDB) }
            endBurst()
            return .none
        }
        var voice = continues
        if voice, let bot = botLevelDB, analysis.levelDB < bot - c.echoReturnLossDB + c.echoMarginDB { voice = false }
        if voice {
            if burstOnsetMs == nil { burstOnsetMs = atMs - durationMs }  // the frame before started the pitch run
            voicedMs += durationMs
            gapMs = 0
            loudest.append(analysis.levelDB)
            loudest.sort(by: >)
            if loudest.count > 3 { loudest.removeLast() }
        } else if burstOnsetMs != nil {
            gapMs += durationMs
            if gapMs >= c.burstGapMs { endBurst() }
        }
        guard voice, !stopped, let onset = burstOnsetMs else { return .none }
        let loud = loudest.reduce(0, +) / Double(max(1, loudest.count))
        if voicedMs >= c.minSpeechMs && loud >= speechLevelDB - c.loudnessMarginDB || voicedMs >= c.sustainedSpeechMs {
            stopped = true
            return .stop(onsetMs: onset)
        }
        return .none
    }

    /// Forgets the current burst (e.g. the bot stopped or a new prompt begins); the learnt level stays.
    public mutating func reset() {
        endBurst()
        previousLag = 0
        lagPending = false
    }

    private mutating func endBurst() {
        burstOnsetMs = nil
        voicedMs = 0
        gapMs = 0
        loudest.removeAll(keepingCapacity: true)
        stopped = false
    }

    /// Quantile tracking towards the 80th percentile of voiced frame levels.
    private mutating func learn(_ level: Double) {
        let step = level > speechLevelDB ? 0.08 : 0.02
        speechLevelDB += step * (level - speechLevelDB)
        speechLevelDB = min(max(speechLevelDB, configuration.speechLevelRange.lowerBound), configuration.speechLevelRange.upperBound)
    }

    /// Same pitch period within 20 %, or an octave up or down (autocorrelation often picks a multiple).
    static func samePitch(_ lag: Int, _ previous: Int) -> Bool {
        guard lag > 0, previous > 0 else { return false }
        func near(_ expected: Double) -> Bool { abs(Double(lag) - expected) <= 0.2 * expected }
        return near(Double(previous) * 0.5) || near(Double(previous)) || near(Double(previous) * 2)
    }
}
