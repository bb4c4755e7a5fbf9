// SDP session description model (RFC 8866), audio-centric but lossless for lines it does not interpret.

/// `a=name[:value]`.
public struct SDPAttribute: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }
}

/// A line the model keeps verbatim (`i=`, `u=`, `e=`, `p=`, `b=`, `z=`, `k=`, `r=` …).
public struct SDPLine: Sendable, Hashable {
    public var type: Character
    public var value: String

    public init(_ type: Character, _ value: String) {
        self.type = type
        self.value = value
    }
}

/// `o=<username> <sess-id> <sess-version> IN IP4 <address>`.
public struct SDPOrigin: Sendable, Hashable {
    public var username: String
    public var sessionID: String
    public var sessionVersion: UInt64
    public var netType: String
    public var addressType: String
    public var address: String

    public init(username: String = "-", sessionID: String, sessionVersion: UInt64, address: String, addressType: String? = nil) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.netType = "IN"
        self.addressType = addressType ?? (address.utf8.contains(UInt8(ascii: ":")) ? "IP6" : "IP4")
        self.address = address
    }
}

/// `c=IN IP4 <address>`.
public struct SDPConnection: Sendable, Hashable {
    public var netType: String
    public var addressType: String
    public var address: String

    public init(address: String, addressType: String? = nil) {
        self.netType = "IN"
        self.addressType = addressType ?? (address.utf8.contains(UInt8(ascii: ":")) ? "IP6" : "IP4")
        self.address = address
    }

    /// RFC 2543-style hold (`c=IN IP4 0.0.0.0`).
    public var isHoldAddress: Bool { address == "0.0.0.0" || address == "::" }
}

/// Media direction attribute.
public enum SDPDirection: String, Sendable, Hashable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// The direction an answer uses for an offer with this one (RFC 3264 §6.1).
    public var complement: SDPDirection {
        switch self {
        case .sendrecv: .sendrecv
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        case .inactive: .inactive
        }
    }

    public var sends: Bool { self == .sendrecv || self == .sendonly }
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The strongest direction allowed by both (e.g. `sendrecv ∩ recvonly = recvonly`).
    public func intersection(_ other: SDPDirection) -> SDPDirection {
        switch (sends && other.sends, receives && other.receives) {
        case (true, true): .sendrecv
        case (true, false): .sendonly
        case (false, true): .recvonly
        case (false, false): .inactive
        }
    }
}

/// A whole session description.
public struct SDPSession: Sendable, Hashable {
    public var version: Int = 0
    public var origin: SDPOrigin
    public var sessionName: String = "-"
    /// Session-level lines kept verbatim (i, u, e, p, b, z, k, r), in order.
    public var otherLines: [SDPLine] = []
    public var connection: SDPConnection?
    public var timing: String = "0 0"
    public var attributes: [SDPAttribute] = []
    public var media: [SDPMedia] = []

    public init(origin: SDPOrigin, connection: SDPConnection? = nil, media: [SDPMedia] = []) {
        self.origin = origin
        self.connection = connection
        self.media = media
    }

    /// Session-level direction attribute, if any.
    public var direction: SDPDirection? { SDPMedia.direction(in: attributes) }
}

/// One `m=` section.
public struct SDPMedia: Sendable, Hashable {
    public var type: String
    public var port: Int
    public var portCount: Int?
    public var proto: String
    /// Payload type numbers as strings, in preference order.
    public var formats: [String]
    public var otherLines: [SDPLine] = []
    public var connection: SDPConnection?
    public var attributes: [SDPAttribute] = []

    public init(type: String = "audio", port: Int, proto: String = "RTP/AVP", formats: [String]) {
        self.type = type
        self.port = port
        self.proto = proto
        self.formats = formats
    }

    /// First value of attribute `name`.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }.map { $0.value ?? "" }
    }

    /// All values of attribute `name`.
    public func attributeValues(_ name: String) -> [String] {
        attributes.compactMap { $0.name == name ? ($0.value ?? "") : nil }
    }

    /// Media-level direction attribute, if any.
    public var direction: SDPDirection? { SDPMedia.direction(in: attributes) }

    /// `a=ptime` in milliseconds.
    public var ptime: Int? { attribute("ptime").flatMap { Int($0.split(separator: ".").first ?? "") } }

    static func direction(in attributes: [SDPAttribute]) -> SDPDirection? {
        for attribute in attributes.reversed() {
            if let direction = SDPDirection(rawValue: attribute.name) { return direction }
        }
        return nil
    }
}
