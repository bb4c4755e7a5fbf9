import Audio

/// What the caller sends, by time: a test's in-memory script or a recorded fixture.
public protocol CallerMediaSource: Sendable {
    /// Events the caller sends in `[startMs, endMs)`: DTMF digits first, then exactly one audio frame covering
    /// the interval (silence when nothing was said), then `.hangUp` if the caller hangs up in it.
    func callerEvents(fromMs startMs: Int, toMs endMs: Int) -> [MediaInEvent]
}

/// The bot's side of a call driven by `VirtualCallRunner`.
public struct VirtualCallResult: Sendable {
    /// Everything the media clock pulled, one 20 ms frame per tick (silence where nothing played).
    public var botSamples: [Int16]
    /// Per tick: whether the bot was playing audio.
    public var botActive: [Bool]
    public var sampleRate: Int
    /// Call time when the session ended (or the limit was reached).
    public var durationMs: Int
    public var ended: Bool

    /// Time of the first tick at or after `ms` on which the bot was silent (nothing queued).
    public func firstSilentTick(atOrAfterMs ms: Int) -> Int? {
        let first = max(0, ms / 20)
        guard first < botActive.count else { return nil }
        return botActive[first...].firstIndex(of: false).map { $0 * 20 }
    }
}

/// Drives a `CallSession` on a `VirtualClock`, faster than real time and deterministically — the media clock of
/// tests and the replayer. It runs the same `CallMediaPipeline` a live call runs on the bridge's media tick
/// (`FlowCallHandler`): per 20 ms tick at time t the clock advances to t (due timers fire and settle), the
/// caller's digits for [t, t+20) go to the session and its frame through the pipeline (DTMF, record capture,
/// VAD, turns, barge-in), whose events the session handles and settles; then the pipeline pulls one outbound
/// frame and, when that pull finished a prompt or reply, the session hears it at once — prompts end by the
/// media clock, not by the caller's next frame, in replays as on live calls.
public enum VirtualCallRunner {
    public static let tickMs = 20

    public static func run(
        _ session: CallSession, caller: any CallerMediaSource, outbound: OutboundAudioQueue, clock: VirtualClock,
        maxDurationMs: Int
    ) async -> VirtualCallResult {
        let pipeline = session.makeMediaPipeline(outbound: outbound)
        let frameSize = outbound.frameSize
        var botSamples: [Int16] = []
        var botActive: [Bool] = []
        botSamples.reserveCapacity(maxDurationMs * outbound.sampleRate / 1000)
        var frame = [Int16](repeating: 0, count: frameSize)
        var events: [MediaInEvent] = []
        await session.start()
        await clock.settle()
        var t = 0
        while t < maxDurationMs {
            await clock.advance(to: .milliseconds(t))
            for event in caller.callerEvents(fromMs: t, toMs: t + tickMs) {
                switch event {
                case .audio(let audio):
                    audio.samples.withUnsafeBufferPointer { samples in
                        pipeline.receive(samples, timestampMs: audio.timestampMs) { events.append($0) }
                    }
                case .hangUp:
                    pipeline.hangUp(atMs: t) { events.append($0) }
                default:
                    events.append(event)
                }
                for event in events { await session.receive(event) }
                events.removeAll(keepingCapacity: true)
            }
            await clock.settle()
            let active = frame.withUnsafeMutableBufferPointer { out in
                pipeline.pull(into: out) { events.append($0) }
            }
            if !events.isEmpty {
                for event in events { await session.receive(event) }
                events.removeAll(keepingCapacity: true)
                await clock.settle()
            }
            if active {
                botSamples.append(contentsOf: frame)
            } else {
                botSamples.append(contentsOf: repeatElement(0, count: frameSize))
            }
            botActive.append(active)
            t += tickMs
            if await session.isEnded, !outbound.isPlaying { break }
        }
        return VirtualCallResult(
            botSamples: botSamples, botActive: botActive, sampleRate: outbound.sampleRate, durationMs: t,
            ended: await session.isEnded
        )
    }
}
