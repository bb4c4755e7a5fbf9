import Audio
public import CallEngine
import Synchronization
public import SwitchboardCore

/// A call's media in memory: the test (or a replayer) schedules what the caller sends — audio, digits,
/// hang-up — on the call's timeline, and `VirtualCallRunner` delivers it tick by tick; the bot's frames are
/// captured. Transfers succeed unless `transferResult` says otherwise.
public final class InMemoryMediaTransport: MediaTransport, CallerMediaSource {
    private struct State {
        var callerSamples: [Int16] = []
        var digits: [(ms: Int, digit: Character)] = []
        var hangUpAtMs: Int?
        var transfers: [String] = []
        var hangUps: [HangUpReason] = []
        var transferResult: TransferResult = .transferred
    }

    public let sampleRate: Int
    public let outbound: OutboundAudioQueue
    public let events: AsyncStream<MediaInEvent>
    private let continuation: AsyncStream<MediaInEvent>.Continuation
    private let state = Mutex(State())

    public init(sampleRate: Int = 8000) {
        self.sampleRate = sampleRate
        outbound = OutboundAudioQueue(sampleRate: sampleRate)
        (events, continuation) = AsyncStream.makeStream(of: MediaInEvent.self)
    }

    // MARK: Scheduling the caller

    /// Places caller audio starting at `ms` (mixed over anything already there).
    public func callerSays(_ samples: [Int16], atMs ms: Int) {
        state.withLock { state in
            let start = ms * sampleRate / 1000
            if state.callerSamples.count < start + samples.count {
                state.callerSamples.append(contentsOf: repeatElement(0, count: start + samples.count - state.callerSamples.count))
            }
            for (i, s) in samples.enumerated() {
                let mixed = Int(state.callerSamples[start + i]) + Int(s)
                state.callerSamples[start + i] = Int16(clamping: mixed)
            }
        }
    }

    /// The caller presses `digits` starting at `ms`, one every `spacingMs`.
    public func callerPresses(_ digits: String, atMs ms: Int, spacingMs: Int = 300) {
        state.withLock { state in
            for (i, digit) in digits.enumerated() { state.digits.append((ms + i * spacingMs, digit)) }
            state.digits.sort { $0.ms < $1.ms }
        }
    }

    /// The caller hangs up at `ms`.
    public func callerHangsUp(atMs ms: Int) {
        state.withLock { $0.hangUpAtMs = ms }
    }

    /// What `transfer(to:)` answers.
    public func setTransferResult(_ result: TransferResult) {
        state.withLock { $0.transferResult = result }
    }

    // MARK: CallerMediaSource

    public func callerEvents(fromMs start: Int, toMs end: Int) -> [MediaInEvent] {
        state.withLock { state in
            var events: [MediaInEvent] = []
            for digit in state.digits where digit.ms >= start && digit.ms < end { events.append(.dtmf(digit.digit)) }
            let frameSize = sampleRate * (end - start) / 1000
            let first = start * sampleRate / 1000
            var samples = [Int16](repeating: 0, count: frameSize)
            if first < state.callerSamples.count {
                let available = min(frameSize, state.callerSamples.count - first)
                for i in 0..<available { samples[i] = state.callerSamples[first + i] }
            }
            events.append(.audio(PCMFrame(samples: samples, sampleRate: sampleRate, timestampMs: start)))
            if let hangUp = state.hangUpAtMs, hangUp >= start, hangUp < end { events.append(.hangUp) }
            return events
        }
    }

    // MARK: Live-style input (for callers that drive `CallSession.run(media:)`)

    /// Pushes an event into `events`.
    public func push(_ event: MediaInEvent) { continuation.yield(event) }

    /// Ends `events`.
    public func finishEvents() { continuation.finish() }

    // MARK: MediaOut

    public func transfer(to target: String) async -> TransferResult {
        state.withLock { state in
            state.transfers.append(target)
            return state.transferResult
        }
    }

    public func hangUp(_ reason: HangUpReason) async {
        state.withLock { $0.hangUps.append(reason) }
    }

    /// Transfer targets asked for, in order.
    public var transfers: [String] { state.withLock { $0.transfers } }
    /// Hang-ups asked for, in order.
    public var hangUps: [HangUpReason] { state.withLock { $0.hangUps } }
}
