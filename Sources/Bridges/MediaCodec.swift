import Audio

/// The audio codec a call's RTP stream uses, with its wire parameters.
public enum MediaCodec: String, Sendable, CaseIterable {
    case pcmu, pcma, opus

    /// RTP clock rate (RFC 3551 / RFC 7587).
    public var clockRate: Int { self == .opus ? 48000 : 8000 }
    /// RTP timestamp units per 20 ms packet.
    public var timestampIncrement: UInt32 { UInt32(clockRate / 50) }
    /// Static payload type, nil for Opus (dynamic, from SDP).
    public var staticPayloadType: UInt8? {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        case .opus: nil
        }
    }
    /// SDP encoding name.
    public var encodingName: String {
        switch self {
        case .pcmu: "PCMU"
        case .pcma: "PCMA"
        case .opus: "opus"
        }
    }
    var g711: G711? {
        switch self {
        case .pcmu: .ulaw
        case .pcma: .alaw
        case .opus: nil
        }
    }
}

/// What offer/answer settled for one call's media.
public struct NegotiatedMedia: Sendable, Equatable {
    public var codec: MediaCodec
    public var payloadType: UInt8
    /// Telephone-event payload type, if the peer offered RFC 4733.
    public var telephoneEventPayloadType: UInt8?
    /// PCM rate the call's frames use (8000 for G.711; 16000 or 48000 for Opus).
    public var pcmRate: Int

    public init(codec: MediaCodec, payloadType: UInt8, telephoneEventPayloadType: UInt8?, pcmRate: Int? = nil) {
        self.codec = codec
        self.payloadType = payloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.pcmRate = pcmRate ?? (codec == .opus ? 16000 : 8000)
    }

    /// Samples in one 20 ms PCM frame.
    public var samplesPerFrame: Int { pcmRate / 50 }
}

/// Encodes/decodes one call's frames with scratch buffers reused across ticks (no per-frame allocation).
final class MediaCodecState {
    let media: NegotiatedMedia
    private let opusEncoder: Opus.Encoder?
    private let opusDecoder: Opus.Decoder?
    // Touched every frame on the media loop only, never re-entrantly: no dynamic exclusivity checks.
    /// Decoded PCM of the last inbound frame (`samplesPerFrame` long).
    @exclusivity(unchecked) var pcm: [Int16]
    /// Encoded payload scratch.
    @exclusivity(unchecked) var payload: [UInt8]
    @exclusivity(unchecked) private var opusScratch: [Int16]
    /// G.711 packet-loss concealment (Appendix I style waveform substitution).
    @exclusivity(unchecked) private var concealer = G711Concealer()
    @exclusivity(unchecked) private var comfortNoise = ComfortNoise()

    init(media: NegotiatedMedia) throws {
        self.media = media
        pcm = [Int16](repeating: 0, count: media.samplesPerFrame)
        payload = [UInt8](repeating: 0, count: Opus.maxPacketSize)
        opusScratch = [Int16](repeating: 0, count: media.pcmRate * 120 / 1000)
        if media.codec == .opus {
            opusEncoder = try Opus.Encoder(sampleRate: media.pcmRate, channels: 1, bitrate: 24000)
            opusDecoder = try Opus.Decoder(sampleRate: media.pcmRate, channels: 1)
        } else {
            opusEncoder = nil
            opusDecoder = nil
        }
    }

    /// Decodes `packet`, read in place (the jitter buffer's ring), into `pcm`; nil = missing: the codec's PLC
    /// (Opus's own, G.711 Appendix I style waveform substitution).
    func decode(_ packet: UnsafeRawBufferPointer?) {
        let n = media.samplesPerFrame
        if let g711 = media.codec.g711 {
            pcm.withUnsafeMutableBufferPointer { dst in
                guard let packet, !packet.isEmpty else {
                    concealer.conceal(into: dst)
                    return
                }
                let got = min(packet.count, n)
                packet.withMemoryRebound(to: UInt8.self) { src in
                    g711.decode(UnsafeBufferPointer(rebasing: src.prefix(n)), into: dst)
                }
                if got < n, let base = dst.baseAddress { (base + got).update(repeating: 0, count: n - got) }
                concealer.received(dst)
            }
            return
        }
        guard let decoder = opusDecoder else { return }
        let got: Int
        do {
            got = try opusScratch.withUnsafeMutableBufferPointer { (out) throws(AudioError) -> Int in
                if let packet {
                    return try packet.withMemoryRebound(to: UInt8.self) { (p) throws(AudioError) -> Int in
                        try decoder.decode(p, into: out)
                    }
                }
                return try decoder.decode(nil, into: out)
            }
        } catch {
            got = 0
        }
        for i in 0..<n { pcm[i] = i < got ? opusScratch[i] : 0 }
    }

    /// Fills `pcm` with RFC 3389 comfort noise at `level` −dBov (the caller is in DTX).
    func comfortNoise(level: UInt8) {
        concealer.reset()
        pcm.withUnsafeMutableBufferPointer { comfortNoise.fill($0, level: level) }
    }

    /// Encodes one frame of `samples` (samplesPerFrame long) into `out` (G.711 directly; Opus by way of
    /// `payload`); returns the payload length, 0 when it does not fit or the encoder failed.
    func encode(_ samples: UnsafeBufferPointer<Int16>, into out: UnsafeMutableRawBufferPointer) -> Int {
        if let g711 = media.codec.g711 {
            guard out.count >= samples.count else { return 0 }
            out.withMemoryRebound(to: UInt8.self) { g711.encode(samples, into: $0) }
            return samples.count
        }
        let length = encode(samples)
        guard length > 0, length <= out.count else { return 0 }
        payload.withUnsafeBytes { src in
            UnsafeMutableRawBufferPointer(rebasing: out[0..<length]).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: src[0..<length]))
        }
        return length
    }

    /// Encodes one frame of `samples` (samplesPerFrame long) into `payload`; returns the payload length.
    func encode(_ samples: UnsafeBufferPointer<Int16>) -> Int {
        if let g711 = media.codec.g711 {
            return payload.withUnsafeMutableBufferPointer { out in
                g711.encode(samples, into: out)
                return samples.count
            }
        }
        guard let encoder = opusEncoder else { return 0 }
        do {
            return try payload.withUnsafeMutableBufferPointer { (out) throws(AudioError) -> Int in
                try encoder.encode(samples, into: out)
            }
        } catch {
            return 0
        }
    }
}
