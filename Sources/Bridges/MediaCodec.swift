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
    /// Decoded PCM of the last inbound frame (`samplesPerFrame` long).
    var pcm: [Int16]
    /// Encoded payload scratch.
    var payload: [UInt8]
    private var opusScratch: [Int16]
    /// G.711 packet-loss concealment (Appendix I style waveform substitution).
    private var concealer = G711Concealer()
    private var comfortNoise = ComfortNoise()

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

    /// Decodes `packet` (nil = missing: the codec's PLC — Opus's own, G.711 Appendix I style waveform
    /// substitution) into `pcm`.
    func decode(_ packet: [UInt8]?) {
        let n = media.samplesPerFrame
        if let g711 = media.codec.g711 {
            guard let packet, !packet.isEmpty else {
                pcm.withUnsafeMutableBufferPointer { concealer.conceal(into: $0) }
                return
            }
            packet.withUnsafeBufferPointer { src in
                pcm.withUnsafeMutableBufferPointer { dst in
                    g711.decode(UnsafeBufferPointer(rebasing: src.prefix(n)), into: dst)
                }
            }
            if packet.count < n { for i in packet.count..<n { pcm[i] = 0 } }
            pcm.withUnsafeMutableBufferPointer { concealer.received($0) }
            return
        }
        guard let decoder = opusDecoder else { return }
        let got: Int
        do {
            got = try opusScratch.withUnsafeMutableBufferPointer { (out) throws(AudioError) -> Int in
                if let packet {
                    return try packet.withUnsafeBufferPointer { (p) throws(AudioError) -> Int in
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
