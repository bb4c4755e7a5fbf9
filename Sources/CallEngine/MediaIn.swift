public import Audio

/// What a transport delivers from the caller.
public enum MediaInEvent: Sendable, Equatable {
    /// 20 ms of caller PCM at the call's sample rate. Bridges deliver one per media tick (gaps filled with
    /// silence or concealment), so the session sees time pass even when the caller is quiet.
    case audio(PCMFrame)
    /// A DTMF digit (`0`-`9`, `*`, `#`, `A`-`D`), from RFC 4733 events or in-band detection.
    case dtmf(Character)
    /// The caller (or the network) ended the call.
    case hangUp
}

/// The inbound half of a call's media.
public protocol MediaIn: Sendable {
    /// The call's PCM sample rate (8000 for G.711, 16000/48000 for wideband codecs).
    var sampleRate: Int { get }
    /// Caller frames, digits and hang-up, in arrival order. Finishes when the call's media ends.
    var events: AsyncStream<MediaInEvent> { get }
}
