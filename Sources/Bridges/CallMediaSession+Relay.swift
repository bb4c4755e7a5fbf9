// Bridges: two calls' media joined by the media engine (attended transfer whose REFER was refused): each
// session hands every decoded inbound frame to the other's outbound queue, resampled when the legs' rates
// differ (each session encodes with its own codec, so differing codecs are transcoded through PCM).
import Audio

extension CallMediaSession {
    /// Whether this session's caller audio goes to another call (its own handler then stays quiet).
    public var isRelaying: Bool { relay != nil }

    /// Joins `self` and `other` both ways (media loop; both sessions live on it).
    func join(_ other: CallMediaSession) {
        relay = other
        other.relay = self
    }

    /// A frame from the other leg: queued for sending here, at most ~100 ms behind (older audio is dropped so
    /// a burst cannot add lasting delay).
    func relayed(_ frame: UnsafeBufferPointer<Int16>, sampleRate: Int) {
        guard isActive, let media else { return }
        let rate = media.pcmRate
        if sampleRate == rate {
            outbound.append(frame)
        } else {
            if relayResampler?.inputRate != sampleRate || relayResampler?.outputRate != rate {
                relayResampler = try? Resampler(from: sampleRate, to: rate)
            }
            guard let relayResampler else { return }
            let converted = relayResampler.process(Array(frame))
            converted.withUnsafeBufferPointer { outbound.append($0) }
        }
        if outbound.count > rate / 10 + rate / 50 { outbound.dropOldest(outbound.count - rate / 10) }
    }
}
