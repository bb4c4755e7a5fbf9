// CallEngine: one call's media pipeline on the media clock. Each 20 ms tick the clock hands it the caller's
// frame (`receive`: DTMF, record capture, VAD, turns, barge-in — `CallerAudioPipeline`) and pulls the bot's next
// frame (`pull`: the `OutboundAudioQueue`; a finished prompt or reply is reported from here, so prompts end by
// the clock even when the caller sends nothing). Events go out through a closure: a live call's bridge hands
// them to the session's stream (`FlowCallHandler`), `VirtualCallRunner` awaits the session on each. Not
// thread-safe: one thread (the media event loop, or the virtual runner) drives it.
import Audio

/// The per-call media pipeline that live calls and replays share.
public final class CallMediaPipeline: @unchecked Sendable {  // confined to the thread that drives it
    public let outbound: OutboundAudioQueue
    private var audio: CallerAudioPipeline
    /// Marks the queue had reached when the session was last told (`OutboundAudioQueue.marksReachedTotal`).
    private var marksTold: UInt64
    /// Frames processed and events handed out (for tests and benchmarks).
    public private(set) var framesProcessed: UInt64 = 0
    public private(set) var eventsEmitted: UInt64 = 0

    public init(configuration: CallerAudioPipeline.Configuration, control: CallMediaControl, outbound: OutboundAudioQueue) {
        self.outbound = outbound
        audio = CallerAudioPipeline(configuration: configuration, control: control)
        marksTold = outbound.marksReachedTotal
    }

    /// Whether the caller has been heard, this frame included (always true unless the pipeline waits for
    /// the caller's first signal): recorders start there, as the turn detector does, so that a replay of the
    /// recording feeds the detector what the live call fed it.
    public func hearsCaller(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        audio.hearsCaller(samples)
    }

    /// The caller's frame of this tick, first sample at `timestampMs` on the call's media timeline.
    public func receive(_ samples: UnsafeBufferPointer<Int16>, timestampMs: Int, emit: (MediaInEvent) -> Void) {
        framesProcessed += 1
        let playing = outbound.isPlaying
        audio.process(samples, timestampMs: timestampMs, botPlaying: playing) { event in
            eventsEmitted += 1
            emit(event)
        }
    }

    /// Pulls the bot's frame of this tick into `frame` (`frameSize` samples); false when nothing is queued
    /// (`frame` untouched). A prompt or reply whose last sample went out now is reported as `.playbackFinished`.
    public func pull(into frame: UnsafeMutableBufferPointer<Int16>, emit: (MediaInEvent) -> Void) -> Bool {
        var marks = marksTold
        let active = outbound.pull(into: frame, marksReached: &marks)
        if marks != marksTold {
            marksTold = marks
            eventsEmitted += 1
            emit(.playbackFinished)
        }
        return active
    }

    /// The call's media ended (caller hang-up, BYE, timeout) at `atMs`: the open turn, then `.hangUp`.
    public func hangUp(atMs: Int, emit: (MediaInEvent) -> Void) {
        audio.flush(atMs: atMs, emit: emit)
        emit(.hangUp)
    }
}

extension CallSession {
    /// The media pipeline for this call, to be driven by the transport's media clock.
    /// `waitsForCallerSignal`: see `CallerAudioPipeline.Configuration` (live bridges set it).
    public nonisolated func makeMediaPipeline(outbound: OutboundAudioQueue, waitsForCallerSignal: Bool = false)
        -> CallMediaPipeline
    {
        CallMediaPipeline(
            configuration: callerAudioConfiguration(waitsForCallerSignal: waitsForCallerSignal), control: mediaControl,
            outbound: outbound)
    }

    nonisolated func callerAudioConfiguration(waitsForCallerSignal: Bool) -> CallerAudioPipeline.Configuration {
        CallerAudioPipeline.Configuration(
            sampleRate: sampleRate, turnDetection: turnDetection, inbandDTMF: configuration.inbandDTMF,
            waitsForCallerSignal: waitsForCallerSignal)
    }
}
