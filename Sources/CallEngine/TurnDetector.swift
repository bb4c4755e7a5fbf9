public import Audio

/// Cuts caller audio into turns (pure: frames with timestamps in, events out). Built on `Audio`'s
/// `VoiceActivityDetector`: an onset shorter than `bargeInSpeechMs` is ignored outright; a turn opens once
/// `minTurnSpeechMs` of voiced audio accumulated (so a cough or an "umm" neither starts nor ends a turn) and
/// ends after `endSilenceMs` of silence or at `maxTurnMs`. Whether caller audio over an interruptible bot prompt
/// stops the bot is `Audio`'s `BargeInDetector`'s decision (`bargeIn`; nil = barge-in off): a real interruption
/// raises `.bargeIn` within about 100 ms of its onset, backchannels and noise do not, and a burst that began
/// over interruptible bot audio without stopping it is a backchannel, not a turn.
public struct TurnDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Silence that ends a turn.
        public var endSilenceMs = 700
        /// Voiced time before the caller counts as talking over the bot (barge-in); shorter onsets are noise.
        public var bargeInSpeechMs = 80
        /// Voiced time a burst needs to become a turn.
        public var minTurnSpeechMs = 200
        /// Longest turn; longer speech is cut into several turns.
        public var maxTurnMs = 30_000
        /// Audio kept from before the detected onset.
        public var preRollMs = 200
        /// Rate of the turn's WAV for the model; `nil` keeps the call rate.
        public var modelSampleRate: Int? = 16_000
        /// The barge-in decision's thresholds; nil: caller speech never stops the bot (flow `barge_in: false`).
        public var bargeIn: BargeInDetector.Configuration? = BargeInDetector.Configuration()

        public init() {}
    }

    /// A finished caller turn.
    public struct Turn: Sendable, Equatable {
        public enum EndReason: String, Sendable, Equatable {
            case silence
            case maxLength = "max_length"
            case flushed
        }
        /// Onset and end of the voiced part, ms on the call's timeline.
        public var startMs: Int
        public var endMs: Int
        /// The turn's audio (with pre-roll and the trailing silence) at the call rate.
        public var samples: [Int16]
        public var sampleRate: Int
        public var endedBy: EndReason
        /// True when the turn began while the bot was speaking.
        public var bargedIn: Bool

        public var durationMs: Int { endMs - startMs }
    }

    public enum Event: Sendable, Equatable {
        /// Caller speech over an interruptible bot prompt: stop playback, cancel the model request.
        case bargeIn(atMs: Int)
        /// A turn opened (the caller is really talking).
        case speechStarted(atMs: Int)
        case turnEnded(Turn)
    }

    public let configuration: Configuration
    private var vad: VoiceActivityDetector
    /// Audio before the onset: the last frames (samples, start, length), oldest first.
    private var preRoll = PreRollBuffer()
    /// The open burst's audio (pre-roll included), at `sampleRate`.
    private var current: [Int16] = []
    private var sampleRate = 8000
    private var onsetMs: Int?
    private var voicedMs = 0
    private var turnOpen = false
    private var bargeInRaised = false
    private var turnBargedIn = false
    private var bargeIn: BargeInDetector?
    /// The open burst began while interruptible bot audio played (and it has not stopped the bot).
    private var overBot = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var vadConfiguration = VoiceActivityDetector.Configuration(endSilenceMs: configuration.endSilenceMs)
        vadConfiguration.minSpeechMs = configuration.bargeInSpeechMs
        vad = VoiceActivityDetector(configuration: vadConfiguration)
        bargeIn = configuration.bargeIn.map { BargeInDetector(configuration: $0) }
    }

    /// A burst buffer that grew past this many samples is given back when the burst ends without a turn (RSS
    /// per call stays small); a finished turn's buffer is always given back (the turn gets an exact copy).
    private static let keptTurnCapacity = 16_000 * 2

    /// Appends to the open burst's audio, growing its buffer half a second of audio at a time rather than
    /// doubling it: a 5 s turn holds at most 5.5 s of samples, not 8 s of capacity (and no doubled copy while
    /// it grows). The session keeps the last turn until the next one (for the model), so this is what a
    /// listening call holds twice.
    private mutating func appendToBurst(_ samples: some Collection<Int16>) {
        let needed = current.count + samples.count
        if needed > current.capacity { current.reserveCapacity(needed + max(sampleRate / 2, 160)) }
        current.append(contentsOf: samples)
    }

    /// True while a turn is open.
    public var isInTurn: Bool { turnOpen }

    /// Feeds one caller frame. `botSpeaking`: bot audio is playing; `interruptible`: it may be cut.
    public mutating func process(_ frame: PCMFrame, botSpeaking: Bool, interruptible: Bool) -> [Event] {
        process(frame, botSpeaking: botSpeaking, interruptible: interruptible, botLevelDB: nil)
    }

    /// The same, with the level of the bot audio being played now (dBFS) for the barge-in echo check.
    public mutating func process(_ frame: PCMFrame, botSpeaking: Bool, interruptible: Bool, botLevelDB: Double?) -> [Event] {
        frame.samples.withUnsafeBufferPointer {
            process(
                $0, sampleRate: frame.sampleRate, timestampMs: frame.timestampMs, botSpeaking: botSpeaking,
                interruptible: interruptible, botLevelDB: botLevelDB)
        }
    }

    /// Feeds samples whose first one is at `timestampMs` (one frame, normally 20 ms): what the media pipeline
    /// calls on every tick. No allocation per frame in the steady state (buffers are reused); an event or a
    /// finished turn allocates.
    public mutating func process(
        _ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, timestampMs: Int, botSpeaking: Bool,
        interruptible: Bool, botLevelDB: Double? = nil
    ) -> [Event] {
        var events: [Event] = []
        self.sampleRate = sampleRate
        let frameMs = sampleRate > 0 ? Int((Double(samples.count) * 1000 / Double(sampleRate)).rounded()) : 0
        let decision =
            bargeIn?.process(
                samples, sampleRate: sampleRate, atMs: timestampMs, durationMs: frameMs,
                botSpeaking: botSpeaking && interruptible, botLevelDB: botLevelDB) ?? .none
        let vadEvents = vad.process(samples, sampleRate: sampleRate, timestampMs: timestampMs)
        for event in vadEvents {
            if case .speechStart(let ms) = event {
                onsetMs = ms
                overBot = botSpeaking && interruptible && bargeIn != nil
                // The detector needed `bargeInSpeechMs` of voice (this frame included) to report the onset.
                voicedMs = max(0, configuration.bargeInSpeechMs - frameMs)
                // The pre-roll frames that end after `preRollMs` before the onset open the turn's audio.
                current.removeAll(keepingCapacity: true)
                let from = ms - configuration.preRollMs
                let roll = preRoll  // shares the storage; read while `current` grows
                roll.forEachFrame { timestampMs, first, second in
                    if timestampMs + frameMs > from {
                        appendToBurst(first)
                        appendToBurst(second)
                    }
                }
            }
        }
        if onsetMs != nil {
            appendToBurst(samples)
            if vad.lastFrameVoiced { voicedMs += frameMs }
        } else {
            let keep = max(1, (configuration.preRollMs + configuration.bargeInSpeechMs + 100) / max(1, frameMs))
            preRoll.append(samples, timestampMs: timestampMs, keep: keep)
        }
        if case .stop(let stopOnset) = decision, !bargeInRaised {
            bargeInRaised = true
            turnBargedIn = true
            overBot = false
            events.append(.bargeIn(atMs: min(stopOnset, onsetMs ?? stopOnset)))
        }
        if overBot, let sustained = configuration.bargeIn?.sustainedSpeechMs, voicedMs >= sustained { overBot = false }
        if let onset = onsetMs {
            if !turnOpen, voicedMs >= configuration.minTurnSpeechMs {
                turnOpen = true
                events.append(.speechStarted(atMs: onset))
            }
        }
        for event in vadEvents {
            if case .speechEnd(let ms) = event {
                // A burst over interruptible bot audio that did not stop it was a backchannel: no turn.
                if turnOpen, !overBot { events.append(.turnEnded(takeTurn(endMs: ms, reason: .silence))) }
                resetTurn()
            }
        }
        if turnOpen, let onset = onsetMs, timestampMs + frameMs - onset >= configuration.maxTurnMs {
            let end = timestampMs + frameMs
            events.append(.turnEnded(takeTurn(endMs: end, reason: .maxLength)))
            // The caller keeps talking: the next turn starts here.
            onsetMs = end
            voicedMs = 0
            turnOpen = false
        }
        return events
    }

    /// Ends an open turn now (e.g. hang-up); drops a burst that never became a turn.
    public mutating func flush(atMs: Int) -> Turn? {
        defer { resetTurn() }
        guard turnOpen else { return nil }
        return takeTurn(endMs: atMs, reason: .flushed)
    }

    /// The finished turn, with an exact-size copy of the burst's audio (no spare capacity held while the session
    /// keeps it); the burst buffer is given back (the next burst starts a new one).
    private mutating func takeTurn(endMs: Int, reason: Turn.EndReason) -> Turn {
        var samples: [Int16] = []
        samples.reserveCapacity(current.count)
        samples.append(contentsOf: current)
        current = []
        return Turn(
            startMs: onsetMs ?? endMs, endMs: endMs, samples: samples, sampleRate: sampleRate,
            endedBy: reason, bargedIn: turnBargedIn
        )
    }

    private mutating func resetTurn() {
        onsetMs = nil
        voicedMs = 0
        turnOpen = false
        bargeInRaised = false
        turnBargedIn = false
        overBot = false
        if current.capacity > Self.keptTurnCapacity {
            current = []
        } else {
            current.removeAll(keepingCapacity: true)
        }
    }
}

extension TurnDetector.Turn {
    /// The turn as WAV bytes (16-bit mono) at `sampleRate` (resampled once when it differs).
    public func wav(sampleRate target: Int? = nil) -> [UInt8] {
        let rate = target ?? sampleRate
        var audio = samples
        if rate != sampleRate, let resampled = try? Resampler.resample(samples, from: sampleRate, to: rate) {
            audio = resampled
            return WAVFile.serialize(WAVAudio(sampleRate: rate, samples: audio))
        }
        return WAVFile.serialize(WAVAudio(sampleRate: sampleRate, samples: audio))
    }
}
