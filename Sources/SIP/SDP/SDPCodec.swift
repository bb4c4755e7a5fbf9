// Audio codecs Switchboard can negotiate, and rtpmap/fmtp lookups on an m= section.

/// An RTP audio format as named in SDP (`a=rtpmap:<pt> <name>/<clock>[/<channels>]`).
public struct SDPCodec: Sendable, Hashable, CustomStringConvertible {
    /// Encoding name as we write it (`PCMU`, `PCMA`, `opus`, `telephone-event`); matched case-insensitively.
    public var name: String
    public var clockRate: Int
    public var channels: Int
    /// Our `a=fmtp` parameters for this codec (what we want to receive), if any.
    public var fmtp: String?
    /// RFC 3551 static payload type, if the codec has one.
    public var staticPayloadType: Int?
    /// Payload type we use in our own offers.
    public var preferredPayloadType: Int

    public init(name: String, clockRate: Int, channels: Int = 1, fmtp: String? = nil, staticPayloadType: Int? = nil, preferredPayloadType: Int) {
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.fmtp = fmtp
        self.staticPayloadType = staticPayloadType
        self.preferredPayloadType = preferredPayloadType
    }

    public static let pcmu = SDPCodec(name: "PCMU", clockRate: 8000, staticPayloadType: 0, preferredPayloadType: 0)
    public static let pcma = SDPCodec(name: "PCMA", clockRate: 8000, staticPayloadType: 8, preferredPayloadType: 8)
    /// Opus is always `opus/48000/2` in SDP (RFC 7587), even for mono.
    public static let opus = SDPCodec(name: "opus", clockRate: 48000, channels: 2, fmtp: "useinbandfec=1;minptime=10", preferredPayloadType: 111)
    public static let telephoneEvent = SDPCodec(name: "telephone-event", clockRate: 8000, fmtp: "0-16", preferredPayloadType: 101)

    /// Looks a codec up by configuration name (`pcmu`, `PCMA`, `opus`, `g711u`, `ulaw`, `alaw` …).
    public static func named(_ name: String) -> SDPCodec? {
        switch name.lowercased() {
        case "pcmu", "ulaw", "g711u", "mulaw": .pcmu
        case "pcma", "alaw", "g711a": .pcma
        case "opus": .opus
        case "telephone-event": .telephoneEvent
        default: nil
        }
    }

    /// `name/clock[/channels]` as in rtpmap.
    public var rtpmap: String { channels > 1 ? "\(name)/\(clockRate)/\(channels)" : "\(name)/\(clockRate)" }

    public var description: String { rtpmap }

    /// Whether an rtpmap entry names this codec (name case-insensitive, same clock, channels if given).
    func matches(_ map: SDPMedia.RTPMap) -> Bool {
        SIPLexer.equalsIgnoringCase(map.encoding, name) && map.clockRate == clockRate && (map.channels ?? 1) == channels
    }
}

extension SDPMedia {
    /// One parsed `a=rtpmap` (or the implied map of a static payload type).
    public struct RTPMap: Sendable, Hashable {
        public var payloadType: Int
        public var encoding: String
        public var clockRate: Int
        public var channels: Int?
    }

    /// The rtpmap for `payloadType`: from `a=rtpmap`, else the RFC 3551 static assignment (0, 3, 4, 8, 9, 13, 18).
    public func rtpmap(for payloadType: Int) -> RTPMap? {
        rtpmaps()[payloadType] ?? SDPMedia.staticMap(payloadType)
    }

    /// All `a=rtpmap` entries by payload type (static types without rtpmap are not included).
    public func rtpmaps() -> [Int: RTPMap] {
        var result: [Int: RTPMap] = [:]
        for attribute in attributes where attribute.name == "rtpmap" {
            guard let value = attribute.value, let space = value.utf8.firstIndex(of: 0x20), let payloadType = Int(value[..<space]) else { continue }
            let fields = value[value.utf8.index(after: space)...].split(separator: "/")
            guard fields.count >= 2, let clock = Int(fields[1]) else { continue }
            result[payloadType] = RTPMap(payloadType: payloadType, encoding: String(fields[0]), clockRate: clock, channels: fields.count > 2 ? Int(fields[2]) : nil)
        }
        return result
    }

    static func staticMap(_ payloadType: Int) -> RTPMap? {
        switch payloadType {
        case 0: return RTPMap(payloadType: 0, encoding: "PCMU", clockRate: 8000, channels: nil)
        case 3: return RTPMap(payloadType: 3, encoding: "GSM", clockRate: 8000, channels: nil)
        case 4: return RTPMap(payloadType: 4, encoding: "G723", clockRate: 8000, channels: nil)
        case 8: return RTPMap(payloadType: 8, encoding: "PCMA", clockRate: 8000, channels: nil)
        case 9: return RTPMap(payloadType: 9, encoding: "G722", clockRate: 8000, channels: nil)
        case 13: return RTPMap(payloadType: 13, encoding: "CN", clockRate: 8000, channels: nil)
        case 18: return RTPMap(payloadType: 18, encoding: "G729", clockRate: 8000, channels: nil)
        default: return nil
        }
    }

    /// `a=fmtp` parameters for `payloadType`.
    public func fmtp(for payloadType: Int) -> String? {
        for value in attributeValues("fmtp") {
            let parts = value.split(separator: " ", maxSplits: 1)
            if parts.count == 2, Int(parts[0]) == payloadType { return String(parts[1]) }
        }
        return nil
    }
}
