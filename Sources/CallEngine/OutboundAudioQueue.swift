public import Audio
import Synchronization

/// The bot's outbound audio for one call: the session enqueues samples at the call rate, the media clock pulls
/// one 20 ms frame per tick (`pullFrame`), and barge-in flushes it (`clear`). Marks placed after a prompt or a
/// reply are reported once their last sample has been pulled, which is how the session learns that playback
/// finished. Thread-safe; `pull(into:)` does not allocate.
public final class OutboundAudioQueue: Sendable {
    private struct Mark {
        var position: Int
        var id: UInt64
    }

    private struct State {
        var buffer: [Int16] = []
        var readIndex = 0
        /// Absolute sample positions: `written` counts every enqueued sample, `read` every played or dropped one.
        var written = 0
        var read = 0
        var marks: [Mark] = []
        var reached: [UInt64] = []
        var reachedTotal: UInt64 = 0
        var framesPulled = 0
    }

    public let sampleRate: Int
    public let frameSize: Int
    private let state = Mutex(State())

    public init(sampleRate: Int, frameMs: Int = 20) {
        self.sampleRate = sampleRate
        self.frameSize = max(1, sampleRate * frameMs / 1000)
    }

    /// Appends samples; `mark` (if any) is reported by `takeReachedMarks` after the last of them is pulled.
    /// A mark with no samples pending is reached at once.
    public func enqueue(_ samples: [Int16], mark: UInt64? = nil) {
        state.withLock { state in
            state.buffer.append(contentsOf: samples)
            state.written += samples.count
            if let mark {
                if state.written == state.read {
                    state.reached.append(mark)
                    state.reachedTotal += 1
                } else {
                    state.marks.append(Mark(position: state.written, id: mark))
                }
            }
        }
    }

    /// Drops every sample not yet played; returns the marks that will now never be reached.
    @discardableResult
    public func clear() -> [UInt64] {
        state.withLock { state in
            state.buffer.removeAll(keepingCapacity: true)
            state.readIndex = 0
            state.read = state.written
            let dropped = state.marks.map(\.id)
            state.marks.removeAll()
            return dropped
        }
    }

    /// Whether any audio is waiting to be played.
    public var isPlaying: Bool { state.withLock { $0.read < $0.written } }

    /// Samples waiting to be played.
    public var pendingSamples: Int { state.withLock { $0.written - $0.read } }

    /// Whether marks are waiting in `takeReachedMarks`.
    public var hasReachedMarks: Bool { state.withLock { !$0.reached.isEmpty } }

    /// Marks reached since the queue was made (only grows).
    public var marksReachedTotal: UInt64 { state.withLock { $0.reachedTotal } }

    /// Marks whose audio has finished playing since the last call, in order.
    public func takeReachedMarks() -> [UInt64] {
        state.withLock { state in
            let reached = state.reached
            state.reached.removeAll()
            return reached
        }
    }

    /// Copies the next frame into `output` (which must hold `frameSize` samples), padding a short tail with
    /// silence. Returns `false` (and leaves `output` untouched) when nothing is queued.
    public func pull(into output: UnsafeMutableBufferPointer<Int16>) -> Bool {
        var marksReached: UInt64 = 0
        return pull(into: output, marksReached: &marksReached)
    }

    /// `pull(into:)` that also reports, under the same lock, how many marks have been reached since the queue
    /// was made (a count that only grows): when it grew, a prompt or reply has finished playing. This is how
    /// the media tick, not caller audio, tells the session that playback finished.
    public func pull(into output: UnsafeMutableBufferPointer<Int16>, marksReached: inout UInt64) -> Bool {
        state.withLock { state in
            defer { marksReached = state.reachedTotal }
            let available = state.written - state.read
            guard available > 0, output.count >= frameSize else { return false }
            let count = min(available, frameSize)
            for i in 0..<count { output[i] = state.buffer[state.readIndex + i] }
            for i in count..<frameSize { output[i] = 0 }
            state.readIndex += count
            state.read += count
            state.framesPulled += 1
            while let first = state.marks.first, first.position <= state.read {
                state.reached.append(first.id)
                state.reachedTotal += 1
                state.marks.removeFirst()
            }
            if state.readIndex == state.buffer.count {
                state.buffer.removeAll(keepingCapacity: true)
                state.readIndex = 0
            } else if state.readIndex >= 1 << 15, state.readIndex * 2 >= state.buffer.count {
                state.buffer.removeFirst(state.readIndex)
                state.readIndex = 0
            }
            return true
        }
    }

    /// The next 20 ms frame, or `nil` when nothing is queued (the transport sends silence or nothing).
    public func pullFrame() -> PCMFrame? {
        var samples = [Int16](repeating: 0, count: frameSize)
        let pulled = samples.withUnsafeMutableBufferPointer { pull(into: $0) }
        guard pulled else { return nil }
        let index = state.withLock { $0.framesPulled - 1 }
        return PCMFrame(samples: samples, sampleRate: sampleRate, timestampMs: index * frameSize * 1000 / sampleRate)
    }
}
