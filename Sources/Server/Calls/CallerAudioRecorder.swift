// Server: the WAV recording of one call (flows with `recording: caller_audio`, issue 7, or `two_sided`, issue
// 14). The caller's frames go to `<call_log.recordings_dir>/<call id>.wav` (16-bit PCM at the call's rate; mono,
// or stereo with the bot's frames on the right), gaps filled with digital silence so the file's timeline is the
// call's. Disk work runs on a private serial queue:
// the media side only appends to that queue and never waits on the file.
public import CallEngine
import Dispatch
import Foundation
public import Logging
import Synchronization

/// Records the caller's audio of one call to a WAV file, streamed in the background.
public final class CallerAudioRecorder: Sendable {
    /// The WAV file (absolute when the recordings folder was given relative to the working folder).
    public let path: String
    public let sampleRate: Int
    /// 1: the caller only; 2: the caller left, the bot right (`recording: two_sided`), interleaved.
    public let channels: Int
    private let writer: WAVStreamWriter
    private let queue: DispatchQueue
    /// Samples handed to the writer so far (the file's timeline) and whether the recording is closed.
    private let state = Mutex<(samples: Int, closed: Bool)>((0, false))
    private let startedAt: ContinuousClock.Instant
    /// When the caller's media ended (hang-up or end of stream), ms on the recording's timeline.
    private let endedMs = Mutex<Int?>(nil)

    /// Samples queued for the writer and not yet written.
    private let pending = PendingSamples()
    /// How much audio may wait for the disk before frames are replaced by silence.
    static let maxPendingSeconds = 60

    /// The longest silence filled in one go (a broken timestamp must not write hours of zeros).
    static let maxGapSeconds = 600

    public init(callID: String, directory: String, sampleRate: Int, channels: Int = 1, logger: Logger) {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        path = folder.appendingPathComponent(Self.fileName(callID: callID)).path
        self.sampleRate = max(1, sampleRate)
        self.channels = channels == 2 ? 2 : 1
        queue = DispatchQueue(label: "switchboard.caller-audio")
        writer = WAVStreamWriter(
            path: path, folder: folder.path, sampleRate: self.sampleRate, channels: self.channels, logger: logger)
        startedAt = .now
        let writer = self.writer
        queue.async { writer.open() }
    }

    /// `<call id>.wav`, with anything but letters, digits, `.`, `_`, `-` and `@` replaced by `_`.
    static func fileName(callID: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")
        let safe = String(callID.prefix(200).map { allowed.contains($0) ? $0 : "_" })
        return (safe.isEmpty || safe.allSatisfy { $0 == "." } ? "call" : safe) + ".wav"
    }

    /// One received frame (interleaved when stereo); `timestampMs` is its place on the call's timeline
    /// (0 = the session's start).
    public func frame(samples: [Int16], timestampMs: Int) {
        let due = timestampMs * sampleRate / 1000
        let frames = samples.count / channels
        let gapFrames: Int? = state.withLock { state in
            guard !state.closed else { return nil }
            let gap = min(max(0, due - state.samples), Self.maxGapSeconds * sampleRate)
            state.samples += gap + frames
            return gap
        }
        guard let gapFrames else { return }
        let gap = gapFrames * channels
        let writer = self.writer
        let pending = self.pending
        // A stalled disk must not grow the queue without bound: past the limit a frame keeps only its place
        // on the timeline (as silence, which costs the queue nothing).
        if pending.count.add(samples.count, ordering: .relaxed).newValue > Self.maxPendingSeconds * sampleRate * channels {
            pending.count.subtract(samples.count, ordering: .relaxed)
            let count = samples.count
            queue.async { writer.appendSilence(gap + count) }
            return
        }
        queue.async {
            if gap > 0 { writer.appendSilence(gap) }
            writer.append(samples)
            pending.count.subtract(samples.count, ordering: .relaxed)
        }
    }

    /// Milliseconds since the recorder was made (the call's timeline, for the closing silence).
    public var elapsedMs: Int {
        let elapsed = ContinuousClock.now - startedAt
        return Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Notes the end of the caller's media (the first call counts): the recording runs up to here.
    public func mediaEnded() {
        let now = elapsedMs
        endedMs.withLock { if $0 == nil { $0 = now } }
    }

    deinit {
        // Never finished (the session vanished): still leave a readable file behind.
        if !state.withLock({ $0.closed }) {
            let writer = self.writer
            queue.async { writer.close() }
        }
    }

    /// Ends the recording: silence up to the end of the caller's media (or now), if later than the last
    /// frame, then the header is fixed up and the file closed. Waits for the writer; call it off the media
    /// path. Later frames and calls are ignored.
    public func finish() async {
        let end = (endedMs.withLock { $0 } ?? elapsedMs) * sampleRate / 1000
        let gapFrames: Int? = state.withLock { state in
            guard !state.closed else { return nil }
            state.closed = true
            let gap = min(max(0, end - state.samples), Self.maxGapSeconds * sampleRate)
            state.samples += gap
            return gap
        }
        guard let gapFrames else { return }
        let gap = gapFrames * channels
        let writer = self.writer
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.async {
                if gap > 0 { writer.appendSilence(gap) }
                writer.close()
                done.resume()
            }
        }
    }
}

/// Samples queued for a writer and not yet written (shared with its queue's closures).
final class PendingSamples: Sendable {
    let count = Atomic<Int>(0)
}

extension CallerAudioRecorder {
    /// Every audio frame of the call's inbound media as the session reads it; the end closes the file.
    public func observe(_ event: MediaInEvent?) {
        switch event {
        case .audio(let frame): self.frame(samples: frame.samples, timestampMs: frame.timestampMs)
        case .hangUp, nil: mediaEnded()
        case .dtmf, .turn, .speechStarted, .bargeIn, .playbackFinished, .recordingEnded: break
        }
    }
}
