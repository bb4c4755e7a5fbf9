// CallEngine: what a call's media pipeline (on the media clock) needs to know of its `CallSession` — whether
// a model reply is being fetched, whether what plays may be cut — and the audio of a `record` step, captured
// by the pipeline frame by frame. One lock, taken by the session on state changes and by the pipeline only
// while a `record` step captures; otherwise the pipeline reads the state's few flags from one atomic.
import Audio
public import Flows
import Synchronization

/// A `record` step in progress: its audio and the voice detector that ends it after a silence.
struct RecordingState: Sendable {
    var id: UInt64
    var config: RecordConfig
    var samples: [Int16] = []
    var startMs: Int
    var vad: VoiceActivityDetector
    var heardSpeech = false
    var lastSpeechEndMs: Int
    /// Set once the pipeline reported the end (silence, max length); the session then takes the audio.
    var endReported = false

    /// Appends one frame (in place: the audio is not copied) and tells when the step ends on it.
    mutating func capture(_ frame: UnsafeBufferPointer<Int16>, sampleRate: Int, timestampMs: Int) -> Recording.EndReason? {
        guard !endReported else { return nil }
        samples.append(contentsOf: frame)
        for event in vad.process(frame, sampleRate: sampleRate, timestampMs: timestampMs) {
            switch event {
            case .speechStart: heardSpeech = true
            case .speechEnd(let ms): lastSpeechEndMs = ms
            }
        }
        let end = timestampMs + frame.count * 1000 / max(1, sampleRate)
        if end - startMs >= config.maxSeconds * 1000 {
            endReported = true
            return .maxLength
        }
        if !vad.inSpeech, end - lastSpeechEndMs >= config.silenceTimeoutMs, end - startMs >= config.silenceTimeoutMs {
            endReported = true
            return .silence
        }
        return nil
    }
}

/// The session ↔ media pipeline handshake of one call (thread-safe).
public final class CallMediaControl: Sendable {
    struct Shared: Sendable {
        var modelBusy = false
        var interruptible = true
        var recording: RecordingState?
        var nextRecordingID: UInt64 = 0
    }

    /// What the pipeline learns for one frame.
    public struct FrameView: Sendable {
        /// A model reply is being fetched or played (counts as the bot speaking, for barge-in).
        public var modelBusy: Bool
        /// Whether what is playing may be cut by the caller.
        public var interruptible: Bool
        /// A `record` step is capturing this frame (it is not cut into turns).
        public var recording: Bool
        /// The `record` step (its id) ended on this frame, and why.
        public var recordingEnded: (id: UInt64, reason: Recording.EndReason)?
    }

    private let shared = Mutex(Shared())
    /// `Shared`'s flags, stored under the lock on every change and read without it by the pipeline.
    private let flags = Atomic<UInt8>(Flag.interruptible)

    private enum Flag {
        static let modelBusy: UInt8 = 1
        static let interruptible: UInt8 = 2
        static let recording: UInt8 = 4

        static func of(_ state: Shared) -> UInt8 {
            (state.modelBusy ? modelBusy : 0) | (state.interruptible ? interruptible : 0)
                | (state.recording != nil ? recording : 0)
        }
    }

    public init() {}

    // MARK: Session side

    func update(modelBusy: Bool, interruptible: Bool) {
        shared.withLock { state in
            state.modelBusy = modelBusy
            state.interruptible = interruptible
            flags.store(Flag.of(state), ordering: .releasing)
        }
    }

    /// Starts capturing a `record` step's audio from the next frame on; `startMs` is its start on the call's
    /// timeline.
    func startRecording(_ config: RecordConfig, startMs: Int) {
        shared.withLock { state in
            state.nextRecordingID += 1
            state.recording = RecordingState(
                id: state.nextRecordingID, config: config, startMs: startMs,
                vad: VoiceActivityDetector(configuration: .init(endSilenceMs: max(100, config.silenceTimeoutMs))),
                lastSpeechEndMs: startMs)
            flags.store(Flag.of(state), ordering: .releasing)
        }
    }

    /// The record step in progress (its settings), if any.
    var recordingConfig: RecordConfig? { shared.withLock { $0.recording?.config } }

    /// The id of the record step in progress, if any.
    var recordingID: UInt64? { shared.withLock { $0.recording?.id } }

    /// Ends the capture and hands over its audio.
    func takeRecording() -> RecordingState? {
        shared.withLock { state in
            defer {
                state.recording = nil
                flags.store(Flag.of(state), ordering: .releasing)
            }
            return state.recording
        }
    }

    // MARK: Pipeline side

    /// Called by the pipeline once per caller frame: the session's state, and the frame captured when a
    /// `record` step runs (its end by silence or length reported once). Lock-free unless a step records.
    public func frame(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, timestampMs: Int) -> FrameView {
        let f = flags.load(ordering: .acquiring)
        if f & Flag.recording == 0 {
            return FrameView(
                modelBusy: f & Flag.modelBusy != 0, interruptible: f & Flag.interruptible != 0, recording: false,
                recordingEnded: nil)
        }
        return shared.withLock { state in
            var view = FrameView(
                modelBusy: state.modelBusy, interruptible: state.interruptible, recording: false, recordingEnded: nil)
            guard state.recording != nil else { return view }
            view.recording = true
            if let reason = state.recording?.capture(samples, sampleRate: sampleRate, timestampMs: timestampMs),
                let id = state.recording?.id
            {
                view.recordingEnded = (id, reason)
            }
            return view
        }
    }
}
