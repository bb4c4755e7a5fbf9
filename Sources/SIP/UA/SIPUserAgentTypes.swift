// Public inputs and outputs of SIPUserAgentCore: events in, actions out.

/// A network address as the bridge sees it (IP literal or host name, port).
public struct SIPEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Configuration of the user agent.
public struct SIPUserAgentConfig: Sendable, Hashable {
    /// Where we listen (goes into Via and Contact). Use the address peers can reach.
    public var local: SIPEndpoint
    /// Address written into SDP `c=`/`o=` (defaults to `local.host`).
    public var mediaAddress: String
    /// `User-Agent`/`Server` header value.
    public var userAgent: String
    public var negotiator: SDPNegotiator
    public var policy: SIPPolicy
    public var timers: SIPTimerConfig
    /// Seed for tags, branches and Call-IDs (pass a random value in production; fixed in tests).
    public var seed: UInt64
    /// Transport this core's requests go over ("UDP" or "TCP"): the Via transport of requests it sends and a
    /// `;transport=tcp` Contact parameter for TCP.
    public var transport: String = "UDP"
    /// Outbound proxy (RFC 3261 §8.1.2): when set, every request outside a dialog that Switchboard sends (an
    /// outbound INVITE, REGISTER) carries `Route: <outboundProxy>` and is sent to the proxy's address instead
    /// of the call's or registration's `nextHop`. Write `;lr` (`sip:proxy.example.com;lr`) for a loose router,
    /// which nearly every proxy is; without `lr` the proxy is treated as a strict router (RFC 3261 §12.2.1.1:
    /// it becomes the Request-URI and the target goes last in Route). In-dialog requests follow the dialog's
    /// own route set (the Record-Route of the 2xx), not this.
    public var outboundProxy: SIPURI?

    public init(
        local: SIPEndpoint, mediaAddress: String? = nil, userAgent: String = "Switchboard", negotiator: SDPNegotiator = SDPNegotiator(),
        policy: SIPPolicy = SIPPolicy(), timers: SIPTimerConfig = SIPTimerConfig(), seed: UInt64 = 0x5EED, outboundProxy: SIPURI? = nil
    ) {
        self.outboundProxy = outboundProxy
        self.local = local
        self.mediaAddress = mediaAddress ?? local.host
        self.userAgent = userAgent
        self.negotiator = negotiator
        self.policy = policy
        self.timers = timers
        self.seed = seed
    }
}

/// Username/password for digest authentication (never logged).
public struct SIPCredentials: Sendable, Hashable {
    public var username: String
    public var password: String
    /// Only answer challenges for this realm (nil: any).
    public var realm: String?

    public init(username: String, password: String, realm: String? = nil) {
        self.username = username
        self.password = password
        self.realm = realm
    }
}

/// An outbound call to place (UAC).
public struct SIPOutboundCall: Sendable, Hashable {
    /// Chosen by the app (e.g. a UUID string); used as the SIP Call-ID and in every action about the call.
    public var callID: String
    /// Request-URI (`sip:+15551234@trunk.example.com`).
    public var target: SIPURI
    /// Our From (tag added by the core). Defaults to `sip:switchboard@<local>`.
    public var from: SIPNameAddress?
    /// Where to send the INVITE (trunk/proxy or the callee).
    public var nextHop: SIPEndpoint
    /// Local RTP port for our SDP offer.
    public var rtpPort: Int
    public var credentials: SIPCredentials?

    public init(callID: String, target: SIPURI, from: SIPNameAddress? = nil, nextHop: SIPEndpoint, rtpPort: Int, credentials: SIPCredentials? = nil) {
        self.callID = callID
        self.target = target
        self.from = from
        self.nextHop = nextHop
        self.rtpPort = rtpPort
        self.credentials = credentials
    }
}

/// A registration with a trunk/registrar.
public struct SIPRegistration: Sendable, Hashable {
    /// App-chosen identifier used in actions.
    public var id: String
    /// Registrar URI (`sip:trunk.example.com`).
    public var registrar: SIPURI
    /// Address-of-record (`sip:1001@trunk.example.com`).
    public var aor: SIPURI
    public var nextHop: SIPEndpoint
    public var credentials: SIPCredentials?
    /// Requested expiry, seconds (0 unregisters).
    public var expires: Int

    public init(id: String, registrar: SIPURI, aor: SIPURI, nextHop: SIPEndpoint, credentials: SIPCredentials? = nil, expires: Int = 3600) {
        self.id = id
        self.registrar = registrar
        self.aor = aor
        self.nextHop = nextHop
        self.credentials = credentials
        self.expires = expires
    }
}

/// What the app asks the user agent to do.
public enum SIPUACommand: Sendable, Hashable {
    /// Send 180 Ringing for an incoming call.
    case ring(callID: String)
    /// Answer an incoming call with 200 OK; the core negotiates SDP for local RTP port `rtpPort`
    /// (488 and `callEnded(.noCommonMedia)` if nothing matches).
    case answer(callID: String, rtpPort: Int)
    /// Reject an incoming, unanswered call (486, 480, 603 …).
    case reject(callID: String, statusCode: Int)
    /// End a call: BYE if established, CANCEL if our INVITE is unanswered, 487 if theirs is.
    case hangUp(callID: String)
    /// Send a DTMF digit as INFO application/dtmf-relay (duration in ms).
    case sendInfoDTMF(callID: String, digit: Character, durationMs: Int)
    /// Blind transfer: send REFER with Refer-To `target`; progress comes back as `referProgress`.
    case refer(callID: String, target: SIPURI)
    /// Attended transfer: REFER `callID` to the remote target of the call `replacing` with `Replaces` naming
    /// that call's dialog (RFC 5589); progress comes back as `referProgress` for `callID`.
    case referReplacing(callID: String, replacing: String)
    /// Put the remote on hold (re-INVITE with `sendonly`) or resume (`sendrecv`).
    case hold(callID: String, on: Bool)
    /// Place an outbound call.
    case placeCall(SIPOutboundCall)
    /// Register (or refresh/unregister) with a registrar; refreshed automatically before expiry.
    case register(SIPRegistration)
}

/// Inputs to `SIPUserAgentCore.handle(_:at:)`.
public enum SIPUAEvent: Sendable, Hashable {
    /// One UDP datagram from `from`.
    case datagram([UInt8], from: SIPEndpoint)
    /// A timer the core started has fired.
    case timerFired(SIPUATimerID)
    case command(SIPUACommand)
}

/// Opaque timer identity: start/cancel/fire with the same value. Starting an id that is running replaces it.
public struct SIPUATimerID: Sendable, Hashable, CustomStringConvertible {
    enum Scope: Sendable, Hashable {
        case server(SIPTransactionKey)
        case client(SIPTransactionKey)
        case registration(String)
    }

    let scope: Scope
    let timer: SIPTimer?

    public var description: String { "\(scope):\(timer?.rawValue ?? "refresh")" }
}

/// Why a call ended.
public enum SIPCallEndReason: Sendable, Hashable {
    /// The remote sent BYE.
    case remoteHangUp
    /// We hung up (BYE, CANCEL or a rejection we sent).
    case localHangUp
    /// The caller cancelled before we answered.
    case cancelled
    /// Our outbound INVITE was rejected with this status.
    case rejected(statusCode: Int)
    /// No common codec (488).
    case noCommonMedia
    /// No ACK for our 2xx / no answer to our INVITE / transport failure.
    case timeout
}

/// An incoming call, waiting for `ring`/`answer`/`reject`.
public struct SIPIncomingCall: Sendable, Hashable {
    public var callID: String
    /// The dialled user part of the Request-URI (`echo`, `tone`, `dtmf`, a number …).
    public var dialledUser: String?
    public var from: SIPNameAddress?
    public var to: SIPNameAddress?
    /// The SDP offer, nil for a delayed-offer INVITE.
    public var offer: SDPSession?
    /// Where the INVITE came from.
    public var source: SIPEndpoint
    /// The full request, for anything else the app wants to look at.
    public var request: SIPRequest
}

/// What the core asks the bridge/app to do, in order.
public enum SIPUAAction: Sendable, Hashable {
    /// Send these bytes as one UDP datagram to `to`.
    case send([UInt8], to: SIPEndpoint)
    /// (Re)start a timer firing at `deadline` (same clock as the `at:` values).
    case startTimer(SIPUATimerID, deadline: Duration)
    case cancelTimer(SIPUATimerID)
    /// A new call: answer with `.ring`/`.answer`/`.reject`.
    case incomingCall(SIPIncomingCall)
    /// Our outbound INVITE got a provisional response (180, 183 …).
    case callProgress(callID: String, statusCode: Int)
    /// Media agreed (initially, or changed by a re-INVITE: hold/unhold/new codec/new address).
    case mediaUpdated(callID: String, media: SDPNegotiatedMedia)
    /// The call is established (ACK received for inbound; 2xx received for outbound).
    case callEstablished(callID: String)
    case callEnded(callID: String, reason: SIPCallEndReason)
    /// A DTMF digit received as SIP INFO (duration in ms if given).
    case dtmf(callID: String, digit: Character, durationMs: Int?)
    /// Progress of our REFER: 202 accepted, then NOTIFY sipfrag statuses; `final` when the transfer is done.
    case referProgress(callID: String, statusCode: Int, final: Bool)
    /// Registration succeeded for `expires` seconds (0 = unregistered).
    case registered(id: String, expires: Int)
    case registrationFailed(id: String, statusCode: Int?)
    /// A datagram or message was dropped (not answered); for metrics and rate-limited logs.
    case dropped(kind: SIPBadInputKind, reason: String)
    /// A datagram was answered at once with an error (400/405/415/416/420/505/406 …; the `.send` follows);
    /// for metrics and rate-limited logs.
    case rejected(kind: SIPBadInputKind, statusCode: Int, reason: String)
}
