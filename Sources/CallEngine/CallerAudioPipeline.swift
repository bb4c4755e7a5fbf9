// CallEngine: the per-frame half of a call's media pipeline — in-band DTMF, a `record` step's capture, VAD
// and turn detection with barge-in — as a plain value: samples in, `MediaInEvent`s out through a closure.
// Live calls run it on the media event loop (`CallMediaPipeline`, driven by the bridge's tick), replays and
// tests on the virtual clock (`VirtualCallRunner`), transports that push raw frames inside the session: the
// same code everywhere. No allocation, lock-free apart from one `CallMediaControl` read, per frame.
import Audio

/// Turns caller frames into the few events a `CallSession` acts on.
public struct CallerAudioPipeline: Sendable {
    public struct Configuration: Sendable {
        public var sampleRate: Int
        public var turnDetection: TurnDetector.Configuration
        /// Detect DTMF tones in the audio (transports without RFC 4733 events or a detector of their own).
        public var inbandDTMF: Bool
        /// Keep frames from the turn detector until the first one that carries any signal: a live bridge can
        /// only fill digital silence until the caller's first packet comes out of its jitter buffer, and the
        /// detector would take that for the line's noise floor (and the real line noise that follows for speech).
        public var waitsForCallerSignal: Bool

        public init(
            sampleRate: Int, turnDetection: TurnDetector.Configuration = .init(), inbandDTMF: Bool = false,
            waitsForCallerSignal: Bool = false
        ) {
            self.sampleRate = sampleRate
            self.turnDetection = turnDetection
            self.inbandDTMF = inbandDTMF
            self.waitsForCallerSignal = waitsForCallerSignal
        }
    }

    public let configuration: Configuration
    let control: CallMediaControl
    private var turnDetector: TurnDetector
    private var dtmfDetector: DTMFDetector?
    /// Whether the turn detector gets frames yet (see `waitsForCallerSignal`).
    public private(set) var heardCaller: Bool

    public init(configuration: Configuration, control: CallMediaControl) {
        self.configuration = configuration
        self.control = control
        turnDetector = TurnDetector(configuration: configuration.turnDetection)
        dtmfDetector = configuration.inbandDTMF ? DTMFDetector(sampleRate: configuration.sampleRate) : nil
        heardCaller = !configuration.waitsForCallerSignal
    }

    /// Feeds one caller frame whose first sample is at `timestampMs` on the call's media timeline.
    /// `botPlaying`: bot audio is queued or playing this tick.
    public mutating func process(
        _ samples: UnsafeBufferPointer<Int16>, timestampMs: Int, botPlaying: Bool, emit: (MediaInEvent) -> Void
    ) {
        let rate = configuration.sampleRate
        if dtmfDetector != nil, let digits = dtmfDetector?.process(samples, timestampMs: timestampMs) {
            for digit in digits { emit(.dtmf(digit.digit)) }
        }
        let view = control.frame(samples, sampleRate: rate, timestampMs: timestampMs)
        if let ended = view.recordingEnded { emit(.recordingEnded(id: ended.id, reason: ended.reason)) }
        if view.recording { return }
        guard hearsCaller(samples) else { return }
        let events = turnDetector.process(
            samples, sampleRate: rate, timestampMs: timestampMs, botSpeaking: botPlaying || view.modelBusy,
            interruptible: view.interruptible)
        for event in events {
            switch event {
            case .bargeIn(let atMs): emit(.bargeIn(atMs: atMs))
            case .speechStarted(let atMs): emit(.speechStarted(atMs: atMs))
            case .turnEnded(let turn): emit(.turn(turn))
            }
        }
    }

    /// Whether the caller has been heard, this frame included (always true without `waitsForCallerSignal`).
    public mutating func hearsCaller(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        if !heardCaller { heardCaller = samples.contains { $0 != 0 } }
        return heardCaller
    }

    /// The call's media ended at `atMs`: a turn still open is handed over as `.flushed`.
    public mutating func flush(atMs: Int, emit: (MediaInEvent) -> Void) {
        if let turn = turnDetector.flush(atMs: atMs) { emit(.turn(turn)) }
    }
}
