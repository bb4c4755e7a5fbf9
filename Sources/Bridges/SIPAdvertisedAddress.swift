// Bridges: which address Switchboard advertises in Via sent-by, Contact and SDP (o=/c=). Behind NAT that is
// the configured public address; bound to a wildcard (0.0.0.0, ::) it is the address of the interface each
// request arrived on (IP_PKTINFO), never the wildcard itself ("c=IN IP4 0.0.0.0" means "on hold").
public import SIP

/// The advertised-address settings of the SIP bridge.
public struct SIPAdvertisedAddress: Sendable, Equatable {
    /// Host (and optionally port) put in Via/Contact and SDP instead of the bound address (NAT, port forward).
    public var publicHost: String?
    /// Port advertised with `publicHost` (nil: the bound port).
    public var publicPort: Int?
    /// Per-transport overrides of `publicHost`/`publicPort` ("UDP", "TCP").
    public var perTransport: [String: SIPEndpoint]
    /// Address written into SDP when it differs from the signalling address (nil: the signalling one).
    public var mediaHost: String?

    public init(publicHost: String? = nil, publicPort: Int? = nil, perTransport: [String: SIPEndpoint] = [:], mediaHost: String? = nil) {
        self.publicHost = publicHost
        self.publicPort = publicPort
        self.perTransport = perTransport
        self.mediaHost = mediaHost
    }

    /// Whether a configured public address fixes what is advertised for `transport`.
    public func isFixed(transport: String) -> Bool { perTransport[transport] != nil || publicHost != nil }

    /// The Via/Contact endpoint for `transport`, given the bound address and (for a wildcard bind) the
    /// address the request arrived on.
    public func signalling(transport: String, boundHost: String, boundPort: Int, arrivedOn: String?) -> SIPEndpoint {
        if let fixed = perTransport[transport] { return SIPEndpoint(host: fixed.host, port: fixed.port == 0 ? boundPort : fixed.port) }
        if let publicHost { return SIPEndpoint(host: publicHost, port: publicPort ?? boundPort) }
        if Self.isWildcard(boundHost) { return SIPEndpoint(host: arrivedOn ?? Self.fallback(for: boundHost), port: boundPort) }
        return SIPEndpoint(host: boundHost, port: boundPort)
    }

    /// The SDP address: `mediaHost`, else a configured public host, else the media socket's bound address
    /// unless it is a wildcard, else the signalling host.
    public func media(signallingHost: String, mediaBindHost: String) -> String {
        if let mediaHost { return mediaHost }
        if publicHost != nil { return signallingHost }
        return Self.isWildcard(mediaBindHost) ? signallingHost : mediaBindHost
    }

    public static func isWildcard(_ host: String) -> Bool {
        host.isEmpty || host == "0.0.0.0" || host == "::" || host == "[::]" || host == "0:0:0:0:0:0:0:0"
    }

    /// Used only when nothing better is known (no arrival address): loopback of the bound family.
    static func fallback(for boundHost: String) -> String { boundHost.contains(":") ? "::1" : "127.0.0.1" }
}

/// Identifies one UA core of the bridge: transport and advertised address.
struct SIPCoreKey: Hashable, Sendable {
    var transport: String
    var local: SIPEndpoint
}

/// Totals over the bridge's cores.
struct SIPCoreSummary {
    var activeCallCount = 0
    var transactionCount = 0
    var activeCallIDs: [String] = []
}

extension SIPUACommand {
    /// The call a command is about (nil for registrations and new outbound calls' cores are chosen apart).
    var callID: String? {
        switch self {
        case .ring(let id), .answer(let id, _), .reject(let id, _), .hangUp(let id), .sendInfoDTMF(let id, _, _),
            .refer(let id, _), .referReplacing(let id, _), .hold(let id, _):
            id
        case .placeCall(let call): call.callID
        case .register: nil
        }
    }
}
