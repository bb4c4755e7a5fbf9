// Per-call state kept by SIPUserAgentCore.

/// What a client transaction was sent for.
enum SIPClientPurpose: Sendable, Hashable {
    case invite(callID: String)
    case reinvite(callID: String)
    case bye(callID: String)
    case cancel
    case refer(callID: String)
    case info
    case register(id: String)
}

struct SIPCall: Sendable, Hashable {
    enum Role: Sendable, Hashable { case inbound, outbound }
    enum State: Sendable, Hashable { case incoming, answered, calling, established, ended }

    var role: Role
    var state: State
    var callID: String
    /// Where in-dialog requests and responses go (the peer's source address / next hop).
    var peer: SIPEndpoint
    var dialog: SIPDialog?
    var localTag: String
    /// Inbound: the initial INVITE's server transaction key. Outbound: the current INVITE client key.
    var inviteKey: SIPTransactionKey?
    /// Inbound: the INVITE received. Outbound: the INVITE sent (latest, with credentials).
    var invite: SIPRequest?
    /// The remote's SDP offer (inbound INVITE).
    var remoteOffer: SDPSession?
    /// Our last offer (outbound INVITE, delayed-offer 200, our re-INVITE), to read the answer against.
    var localOffer: SDPSession?
    var sdp: SDPLocalState
    var rtpPort: Int
    var media: SDPNegotiatedMedia?
    /// The ACK for a 2xx we await: transaction key and CSeq number; `answerInACK` for a delayed offer.
    var awaitingACK: (key: SIPTransactionKey, sequence: UInt32, answerInACK: Bool)?
    var pendingServerReinvite: SIPTransactionKey?
    var pendingClientReinvite: SIPTransactionKey?
    /// The last ACK we sent for a 2xx (re-sent when the 2xx is retransmitted).
    var lastACK: SIPRequest?
    var localHold = false
    var credentials: SIPCredentials?
    var authAttempts = 0
    /// `callEnded` already reported to the app.
    var endReported = false

    /// Where in-dialog requests (BYE, re-INVITE, INFO, REFER, the ACK of a 2xx) go: the first route of the
    /// dialog's route set when it has one (RFC 3261 §12.2.1.1: the proxy that record-routed, or the strict
    /// router that is also the Request-URI), otherwise `peer` (where the call's messages came from or went to,
    /// which also reaches a caller behind NAT whose Contact is a private address).
    ///
    /// A call we placed whose dialog has no route set (no proxy record-routed it) sends to the remote target
    /// (the 2xx's Contact, RFC 3261 §12.2.1.1) when that is an IP address: the next hop of the INVITE is often a
    /// proxy that did not stay in the path and would not route an in-dialog request.
    var inDialogDestination: SIPEndpoint {
        if let route = dialog?.routeDestination { return route }
        if role == .outbound, let target = dialog?.remoteTarget, SIPCall.isIPLiteral(target.host) {
            return SIPEndpoint(uri: target)
        }
        return peer
    }

    /// Whether `host` is an IPv4 or IPv6 literal (not a name the bridge would have to resolve).
    static func isIPLiteral(_ host: String) -> Bool {
        if host.hasPrefix("[") || host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isNumber) }
    }

    static func == (lhs: SIPCall, rhs: SIPCall) -> Bool { lhs.callID == rhs.callID && lhs.state == rhs.state }
    func hash(into hasher: inout Hasher) { hasher.combine(callID) }
}

struct SIPRegistrationState: Sendable {
    var registration: SIPRegistration
    var callID: String
    var localTag: String
    var sequence: UInt32
    var authAttempts = 0
}
