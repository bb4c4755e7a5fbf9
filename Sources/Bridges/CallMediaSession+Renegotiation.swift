public import NIOCore
import Audio
import RTP

extension CallMediaSession {
    /// Switches a live call to what a re-INVITE negotiated (e.g. PCMU → PCMA, or → Opus). Call it on the
    /// media loop (`session.eventLoop.execute { … }` or `MediaEngine.renegotiate`): ticks run there too, so
    /// the switch always lands between two 20 ms frames.
    ///
    /// - Outbound: the same SSRC, the sequence number continues; the RTP timestamp continues from where it is
    ///   and then advances at the new codec's clock (160 per frame for G.711, 960 for Opus).
    /// - Inbound: the jitter buffer is emptied (its payloads are in the old format), the SSRC lock and loss
    ///   counters are kept when the clock rate is unchanged; packets still arriving with the old payload type
    ///   are counted as `unknownPayloadType` and dropped.
    /// - When `pcmRate` changes (G.711 8 kHz ↔ Opus 16 kHz), audio queued with `enqueue` is dropped: it was
    ///   sampled at the old rate. The handler sees the new rate in `mediaReceived(_:sampleRate:session:)`.
    /// - `remote`: the new SDP address (nil = on hold, nothing is sent). When it is the same as before, the
    ///   latched (symmetric RTP) source is kept.
    ///
    /// Throws (and keeps the old codec) when the new codec cannot be set up.
    public func renegotiated(media new: NegotiatedMedia, remote: SocketAddress?) throws {
        eventLoop.preconditionInEventLoop()
        guard let old = media, isActive else { return }
        if new != old {
            let fresh = try MediaCodecState(media: new)
            if new.codec != old.codec || new.payloadType != old.payloadType || new.pcmRate != old.pcmRate {
                codec = fresh
                jitterBuffer.reset()
            }
            if new.codec.clockRate != old.codec.clockRate {
                lostBeforeRelock += streamLost
                streamLost = 0
                receiver = RTPReceiver(clockRate: new.codec.clockRate)
            }
            if new.codec.timestampIncrement != old.codec.timestampIncrement {
                eventSender = TelephoneEventSender(samplesPerTick: UInt16(new.codec.timestampIncrement))
            }
            if new.pcmRate != old.pcmRate {
                outbound.removeAll()
                dtmfDetector = new.pcmRate == 8000 ? DTMFDetector(sampleRate: 8000) : nil
            }
            media = new
        }
        if remote != sdpAddress { retarget(remote: remote) }
    }

    /// The name H-sip asked for (requests.md); same as `renegotiated(media:remote:)`.
    func updateMedia(_ media: NegotiatedMedia, remote: SocketAddress?) throws {
        try renegotiated(media: media, remote: remote)
    }
}

extension MediaEngine {
    /// Hops to the media loop and applies `CallMediaSession.renegotiated(media:remote:)` (from the SIP loop
    /// after a re-INVITE's offer/answer). The future fails, and the call keeps its old codec, when the new one
    /// cannot be set up.
    public func renegotiate(
        _ session: CallMediaSession, media: NegotiatedMedia, remote: SocketAddress?
    ) -> EventLoopFuture<Void> {
        eventLoop.submit { try session.renegotiated(media: media, remote: remote) }
    }
}
