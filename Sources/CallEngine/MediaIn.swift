public import Audio
public import Flows

/// What reaches a call's `CallSession` from its media. A live call's media pipeline (`CallMediaPipeline`, on
/// the media clock) cuts the caller's audio into turns itself, so only turns, digits, barge-in, playback and
/// recording marks and the hang-up cross to the session; transports that hand over raw frames (`.audio`)
/// have them run through the same per-frame code (`CallerAudioPipeline`) inside the session.
public enum MediaInEvent: Sendable, Equatable {
    /// 20 ms of caller PCM at the call's sample rate. Bridges deliver one per media tick (gaps filled with
    /// silence or concealment), so the session sees time pass even when the caller is quiet.
    case audio(PCMFrame)
    /// A DTMF digit (`0`-`9`, `*`, `#`, `A`-`D`), from RFC 4733 events or in-band detection.
    case dtmf(Character)
    /// The caller (or the network) ended the call.
    case hangUp
    /// One caller turn, cut by the pipeline's turn detector (a `.flushed` turn is the one open at hang-up).
    case turn(TurnDetector.Turn)
    /// A caller turn opened at `atMs` (the `.turn` follows when it ends).
    case speechStarted(atMs: Int)
    /// The caller started talking over interruptible bot audio (at `atMs` on the call's media timeline).
    case bargeIn(atMs: Int)
    /// The media clock pulled the last sample of a prompt or reply (`OutboundAudioQueue` marks).
    case playbackFinished
    /// The `record` step `id` ended by silence or length on the pipeline's frame.
    case recordingEnded(id: UInt64, reason: Recording.EndReason)

}

/// The inbound half of a call's media.
public protocol MediaIn: Sendable {
    /// The call's PCM sample rate (8000 for G.711, 16000/48000 for wideband codecs).
    var sampleRate: Int { get }
    /// Caller frames or turns, digits and hang-up, in arrival order. Finishes when the call's media ends.
    var events: AsyncStream<MediaInEvent> { get }
}
