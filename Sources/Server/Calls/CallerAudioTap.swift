// Server: where a live call's audio goes besides its media pipeline — the recorders (a fixture for
// `serve --record`, the WAV of `recording: caller_audio` or `two_sided`). Fed on the media event loop, frame by
// frame, off the pipeline's hot path: only recorded calls have a tap. The fixture recorder appends under its
// lock (its growth bounded by `max_audio_seconds`); the WAV recorder gets the audio in 200 ms chunks, so its
// disk queue sees five hand-overs a second, not fifty (and it bounds what waits for the disk itself). A
// two-sided WAV gets each tick's caller frame (left) beside the bot frame the same tick sent (right).
import CallEngine

/// Receives a live call's caller frames (and, for a two-sided WAV, the bot's) on the media loop (one thread;
/// not thread-safe).
final class CallerAudioTap {
    private let fixture: CallRecorder?
    private let wav: CallerAudioRecorder?
    private let stereo: Bool
    private var chunk: [Int16] = []
    private var chunkStartMs = 0
    private let chunkFrames: Int
    /// Two-sided: this tick's caller frame, waiting for the bot frame of the same tick.
    private var pendingCaller: [Int16] = []
    private var pendingCallerMs = 0
    private var hasPendingCaller = false

    init?(fixture: CallRecorder?, wav: CallerAudioRecorder?, sampleRate: Int) {
        guard fixture != nil || wav != nil else { return nil }
        self.fixture = fixture
        self.wav = wav
        stereo = wav?.channels == 2
        chunkFrames = max(1, sampleRate / 5)
        if wav != nil { chunk.reserveCapacity((chunkFrames + sampleRate / 50) * (stereo ? 2 : 1)) }
    }

    /// One caller frame, first sample at `timestampMs` on the call's media timeline. `heard`: the caller has
    /// been heard (the fixture and a caller-only WAV start there, as the turn detector does); a two-sided WAV
    /// runs from the first frame, so the bot's greeting is in it.
    func frame(_ samples: UnsafeBufferPointer<Int16>, timestampMs: Int, heard: Bool = true) {
        if heard { fixture?.frame(samples, timestampMs: timestampMs) }
        guard let wav else { return }
        if stereo {
            if hasPendingCaller { bot(nil) }
            pendingCaller.removeAll(keepingCapacity: true)
            pendingCaller.append(contentsOf: samples)
            pendingCallerMs = timestampMs
            hasPendingCaller = true
            return
        }
        guard heard else { return }
        if chunk.isEmpty { chunkStartMs = timestampMs }
        chunk.append(contentsOf: samples)
        if chunk.count >= chunkFrames { flush(wav) }
    }

    /// Two-sided: the bot frame sent on the tick of the last caller frame (nil: nothing was playing).
    func bot(_ samples: UnsafeBufferPointer<Int16>?) {
        guard stereo, hasPendingCaller, let wav else { return }
        hasPendingCaller = false
        if chunk.isEmpty { chunkStartMs = pendingCallerMs }
        for index in pendingCaller.indices {
            chunk.append(pendingCaller[index])
            chunk.append(samples.map { index < $0.count ? $0[index] : 0 } ?? 0)
        }
        if chunk.count >= chunkFrames * 2 { flush(wav) }
    }

    /// The call's media ended: what is left goes to the WAV recorder.
    func ended() {
        if hasPendingCaller { bot(nil) }
        if let wav { flush(wav) }
    }

    private func flush(_ wav: CallerAudioRecorder) {
        guard !chunk.isEmpty else { return }
        wav.frame(samples: chunk, timestampMs: chunkStartMs)
        chunk.removeAll(keepingCapacity: true)
    }
}
