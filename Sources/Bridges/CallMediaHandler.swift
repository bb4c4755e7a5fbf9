/// Where a DTMF digit came from.
public import SwitchboardCore
public enum DTMFSource: String, Sendable {
    /// RFC 4733 telephone-event RTP packets.
    case rfc4733
    /// SIP INFO `application/dtmf-relay`.
    case sipInfo
    /// In-band tones found by the Goertzel detector in the decoded audio.
    case inBand
}

/// The per-call logic that consumes inbound media (MediaIn) and produces outbound media (MediaOut).
///
/// Every method is called on the media event loop, in order, so an implementation may keep plain mutable
/// state without locks. It must not block. `mediaReceived` runs once per 20 ms tick with the next inbound
/// frame (silence or concealment when the packet was missing); the buffer is only valid during the call.
/// Outbound audio goes through `session` (`enqueue`, `clear`, `sendDigits`, `transfer`, `hangUp`), which
/// may be called directly here; from other threads use the Sendable `CallHandle`.
public protocol CallMediaHandler: AnyObject {
    func callStarted(_ session: CallMediaSession)
    func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession)
    /// A caller frame beyond this tick's one: after an arrival burst the jitter buffer is drained faster than
    /// real time (frames the wire delivered are not dropped). Nothing is to be sent for it. Only called when
    /// `processesExtraMedia` is true.
    func extraMediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession)
    /// Whether the handler analyses caller audio and wants every frame (false: a frame beyond one per tick is
    /// dropped undecoded and counted, as an echo or a player must stay paced).
    var processesExtraMedia: Bool { get }
    func digitReceived(_ digit: Character, source: DTMFSource, session: CallMediaSession)
    func callEnded(_ session: CallMediaSession, reason: HangUpReason)
    /// No RTP came from the caller for `idleSeconds` (`sip.rtp_timeout`, not on hold): the session hangs up
    /// (BYE) right after this returns, and `callEnded` follows.
    func mediaTimedOut(_ session: CallMediaSession, idleSeconds: Int)
}

extension CallMediaHandler {
    public func callStarted(_ session: CallMediaSession) {}
    public func extraMediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {}
    public var processesExtraMedia: Bool { false }
    public func digitReceived(_ digit: Character, source: DTMFSource, session: CallMediaSession) {}
    public func callEnded(_ session: CallMediaSession, reason: HangUpReason) {}
    public func mediaTimedOut(_ session: CallMediaSession, idleSeconds: Int) {}
}

/// Signalling actions a media session asks of its SIP dialog (implemented by the SIP bridge).
protocol CallSignaling: AnyObject, Sendable {
    func hangUp(callID: String)
    func transfer(callID: String, to target: String)
}
