// Server: where a live call's caller audio goes besides its media pipeline — the recorders (a fixture for
// `serve --record`, the caller-audio WAV of `recording: caller_audio`). Fed on the media event loop, frame by
// frame, off the pipeline's hot path: only recorded calls have a tap. The fixture recorder appends under its
// lock (its growth bounded by `max_audio_seconds`); the WAV recorder gets the audio in 200 ms chunks, so its
// disk queue sees five hand-overs a second, not fifty (and it bounds what waits for the disk itself).
import CallEngine

/// Receives a live call's caller frames on the media loop (one thread; not thread-safe).
final class CallerAudioTap {
    private let fixture: CallRecorder?
    private let wav: CallerAudioRecorder?
    private var chunk: [Int16] = []
    private var chunkStartMs = 0
    private let chunkSamples: Int

    init?(fixture: CallRecorder?, wav: CallerAudioRecorder?, sampleRate: Int) {
        guard fixture != nil || wav != nil else { return nil }
        self.fixture = fixture
        self.wav = wav
        chunkSamples = max(1, sampleRate / 5)
        if wav != nil { chunk.reserveCapacity(chunkSamples + sampleRate / 50) }
    }

    /// One caller frame, first sample at `timestampMs` on the call's media timeline.
    func frame(_ samples: UnsafeBufferPointer<Int16>, timestampMs: Int) {
        fixture?.frame(samples, timestampMs: timestampMs)
        guard let wav else { return }
        if chunk.isEmpty { chunkStartMs = timestampMs }
        chunk.append(contentsOf: samples)
        if chunk.count >= chunkSamples { flush(wav) }
    }

    /// The call's media ended: what is left goes to the WAV recorder.
    func ended() {
        if let wav { flush(wav) }
    }

    private func flush(_ wav: CallerAudioRecorder) {
        guard !chunk.isEmpty else { return }
        wav.frame(samples: chunk, timestampMs: chunkStartMs)
        chunk.removeAll(keepingCapacity: true)
    }
}
