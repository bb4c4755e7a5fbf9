// RFC 3264 offer/answer for one audio stream: answer an offer, build an offer, accept an answer.

/// The media a call agreed on (what the RTP layer needs).
public struct SDPNegotiatedMedia: Sendable, Hashable {
    public var codec: SDPCodec
    /// Payload type to send and expect for `codec` (the offerer's number).
    public var payloadType: Int
    /// Payload type of telephone-event at the codec's clock, if both sides have it.
    public var telephoneEventPayloadType: Int?
    public var remoteAddress: String
    public var remotePort: Int
    /// Packet time to send, ms.
    public var ptime: Int
    /// Our direction: whether we send and/or receive.
    public var direction: SDPDirection
    /// Index of the audio m= line in the session.
    public var mediaIndex: Int

    /// The remote put us on hold (sendonly/inactive towards us, or c=0.0.0.0).
    public var isRemoteHold: Bool { !direction.sends || remoteAddress == "0.0.0.0" }
}

/// Why an offer or answer cannot be used (`488 Not Acceptable Here` for an offer).
public struct SDPNegotiationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "SDP negotiation failed: \(reason)" }
}

/// Our side of offer/answer, from configuration.
public struct SDPNegotiator: Sendable, Hashable {
    /// Codecs in preference order (configuration).
    public var codecs: [SDPCodec]
    /// Offer/accept RFC 4733 telephone-event.
    public var telephoneEvent: Bool
    /// Our packet time, ms.
    public var ptime: Int
    /// When true the offerer's order decides among common codecs; otherwise ours does.
    public var preferOffererOrder: Bool
    /// Offer/accept RFC 3389 comfort noise (CN/8000) with 8 kHz codecs: the media path plays a caller's CN
    /// packets as low-level noise.
    public var comfortNoise: Bool

    public init(
        codecs: [SDPCodec] = [.opus, .pcmu, .pcma], telephoneEvent: Bool = true, ptime: Int = 20,
        preferOffererOrder: Bool = false, comfortNoise: Bool = true
    ) {
        self.codecs = codecs
        self.telephoneEvent = telephoneEvent
        self.ptime = ptime
        self.preferOffererOrder = preferOffererOrder
        self.comfortNoise = comfortNoise
    }

    /// Answers `offer`. The answer keeps the m= lines' order and count, rejects (port 0) every stream but the
    /// first usable audio one, uses the offerer's payload numbers and the complement direction
    /// (intersected with `direction`, ours). Throws when no audio stream is acceptable (→ 488).
    public func answer(_ offer: SDPSession, origin: SDPOrigin, address: String, port: Int, direction: SDPDirection = .sendrecv) throws(SDPNegotiationError) -> (answer: SDPSession, media: SDPNegotiatedMedia) {
        var answer = SDPSession(origin: origin, connection: SDPConnection(address: address))
        var chosen: SDPNegotiatedMedia?
        for (index, offered) in offer.media.enumerated() {
            if chosen == nil, let match = select(in: offered) {
                let offerDirection = offered.direction ?? offer.direction ?? .sendrecv
                let ourDirection = offerDirection.complement.intersection(direction)
                var media = SDPMedia(type: offered.type, port: port, proto: offered.proto, formats: [String(match.payloadType)])
                media.attributes.append(SDPAttribute("rtpmap", "\(match.payloadType) \(match.codec.rtpmap)"))
                if let fmtp = match.codec.fmtp { media.attributes.append(SDPAttribute("fmtp", "\(match.payloadType) \(fmtp)")) }
                if let event = match.eventPayloadType {
                    media.formats.append(String(event))
                    media.attributes.append(SDPAttribute("rtpmap", "\(event) telephone-event/\(match.codec.clockRate)"))
                    media.attributes.append(SDPAttribute("fmtp", "\(event) \(offered.fmtp(for: event) ?? "0-16")"))
                }
                if comfortNoise, match.codec.clockRate == 8000, let cn = Self.comfortNoisePayloadType(in: offered) {
                    media.formats.append(String(cn))
                    media.attributes.append(SDPAttribute("rtpmap", "\(cn) CN/8000"))
                }
                media.attributes.append(SDPAttribute("ptime", String(ptime)))
                media.attributes.append(SDPAttribute(ourDirection.rawValue))
                answer.media.append(media)
                let connection = offered.connection ?? offer.connection
                chosen = SDPNegotiatedMedia(
                    codec: match.codec, payloadType: match.payloadType, telephoneEventPayloadType: match.eventPayloadType,
                    remoteAddress: connection?.address ?? "0.0.0.0", remotePort: offered.port,
                    ptime: offered.ptime ?? 20, direction: ourDirection, mediaIndex: index)
            } else {
                answer.media.append(SDPMedia(type: offered.type, port: 0, proto: offered.proto, formats: offered.formats.isEmpty ? ["0"] : offered.formats))
            }
        }
        guard let chosen else { throw SDPNegotiationError("no common audio codec") }
        return (answer, chosen)
    }

    /// Our offer: one audio stream with the configured codecs (+ telephone-event), our ptime and direction.
    public func offer(origin: SDPOrigin, address: String, port: Int, direction: SDPDirection = .sendrecv) -> SDPSession {
        var media = SDPMedia(port: port, formats: [])
        for codec in codecs {
            media.formats.append(String(codec.preferredPayloadType))
            media.attributes.append(SDPAttribute("rtpmap", "\(codec.preferredPayloadType) \(codec.rtpmap)"))
            if let fmtp = codec.fmtp { media.attributes.append(SDPAttribute("fmtp", "\(codec.preferredPayloadType) \(fmtp)")) }
        }
        if telephoneEvent {
            var eventTypes: [Int: Int] = [:]  // clock → payload type
            var nextDynamic = 102
            let used = Set(codecs.map(\.preferredPayloadType))
            for codec in codecs where eventTypes[codec.clockRate] == nil {
                if codec.clockRate == 8000 {
                    eventTypes[8000] = 101
                } else {
                    while used.contains(nextDynamic) || nextDynamic == 101 { nextDynamic += 1 }
                    eventTypes[codec.clockRate] = nextDynamic
                    nextDynamic += 1
                }
            }
            for (clock, payloadType) in eventTypes.sorted(by: { $0.value < $1.value }) {
                media.formats.append(String(payloadType))
                media.attributes.append(SDPAttribute("rtpmap", "\(payloadType) telephone-event/\(clock)"))
                media.attributes.append(SDPAttribute("fmtp", "\(payloadType) 0-16"))
            }
        }
        if comfortNoise, codecs.contains(where: { $0.clockRate == 8000 }) {
            media.formats.append("13")
            media.attributes.append(SDPAttribute("rtpmap", "13 CN/8000"))
        }
        media.attributes.append(SDPAttribute("ptime", String(ptime)))
        media.attributes.append(SDPAttribute(direction.rawValue))
        return SDPSession(origin: origin, connection: SDPConnection(address: address), media: [media])
    }

    /// Reads the answer to our `offer` (UAC side): the first audio format of the answer that we offered.
    public func accept(answer: SDPSession, to offer: SDPSession) throws(SDPNegotiationError) -> SDPNegotiatedMedia {
        for (index, media) in answer.media.enumerated() where media.type == "audio" && media.port != 0 {
            guard let match = select(in: media, answererOrder: true) else { continue }
            let ours = offer.media.first?.direction ?? .sendrecv
            let theirs = media.direction ?? answer.direction ?? .sendrecv
            let connection = media.connection ?? answer.connection
            return SDPNegotiatedMedia(
                codec: match.codec, payloadType: match.payloadType, telephoneEventPayloadType: match.eventPayloadType,
                remoteAddress: connection?.address ?? "0.0.0.0", remotePort: media.port, ptime: media.ptime ?? 20,
                direction: ours.intersection(theirs.complement), mediaIndex: index)
        }
        throw SDPNegotiationError("answer has no usable audio stream")
    }

    /// The payload type an offer gives CN/8000 (RFC 3389), if it offers it.
    static func comfortNoisePayloadType(in media: SDPMedia) -> Int? {
        let maps = media.rtpmaps()
        for format in media.formats {
            guard let payloadType = Int(format), let map = maps[payloadType] ?? SDPMedia.staticMap(payloadType) else { continue }
            if SIPLexer.equalsIgnoringCase(map.encoding, "CN"), map.clockRate == 8000 { return payloadType }
        }
        return nil
    }

    struct Match {
        var codec: SDPCodec
        var payloadType: Int
        var eventPayloadType: Int?
    }

    /// Picks the codec for an offered m= section (nil if none is usable).
    func select(in media: SDPMedia, answererOrder: Bool = false) -> Match? {
        guard media.type == "audio", media.port != 0, media.proto == "RTP/AVP" || media.proto == "RTP/AVPF" else { return nil }
        var offered: [(codec: SDPCodec, payloadType: Int, rank: Int)] = []
        let maps = media.rtpmaps()
        for (position, format) in media.formats.enumerated() {
            guard let payloadType = Int(format), let map = maps[payloadType] ?? SDPMedia.staticMap(payloadType) else { continue }
            guard let ourIndex = codecs.firstIndex(where: { $0.matches(map) }) else { continue }
            offered.append((codecs[ourIndex], payloadType, (preferOffererOrder || answererOrder) ? position : ourIndex))
        }
        guard let best = offered.min(by: { $0.rank < $1.rank }) else { return nil }
        var eventPayloadType: Int?
        if telephoneEvent {
            for format in media.formats {
                guard let payloadType = Int(format), let map = maps[payloadType],
                    SIPLexer.equalsIgnoringCase(map.encoding, "telephone-event"), map.clockRate == best.codec.clockRate
                else { continue }
                eventPayloadType = payloadType
                break
            }
        }
        return Match(codec: best.codec, payloadType: best.payloadType, eventPayloadType: eventPayloadType)
    }
}
