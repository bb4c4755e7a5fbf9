// Types shared by the four RFC 3261 §17 transaction state machines (+ RFC 6026 Accepted state).

/// Timer values (RFC 3261 Table 4). `reliable` is true for TCP/TLS (no retransmissions, zero waits).
public struct SIPTimerConfig: Sendable, Hashable {
    public var t1: Duration
    public var t2: Duration
    public var t4: Duration
    public var reliable: Bool

    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5), reliable: Bool = false) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
        self.reliable = reliable
    }

    /// 64·T1 (timers B, F, H, J, L, M).
    public var transactionTimeout: Duration { t1 * 64 }
}

/// Timer names. `retransmit2xx` is the UAS core's 2xx retransmission (§13.3.1.4), kept in the INVITE
/// server transaction.
public enum SIPTimer: String, Sendable, Hashable, CaseIterable {
    case a, b, d, e, f, g, h, i, j, k, l, m
    case retransmit2xx
}

/// What happens to a transaction.
public enum SIPTransactionEvent: Sendable, Hashable {
    /// A message from the network (server: request retransmission or ACK; client: a response).
    case received(SIPMessage)
    /// The TU sends a response (server transactions only).
    case send(SIPResponse)
    /// A timer the transaction started has fired.
    case timer(SIPTimer)
    /// The transport reported a failure sending.
    case transportError
}

/// What the transaction asks its owner to do.
public enum SIPTransactionAction: Sendable, Hashable {
    /// Send this message to the transaction's peer.
    case send(SIPMessage)
    /// (Re)start `timer` to fire at `deadline` (same clock as the `at:` timestamps).
    case startTimer(SIPTimer, deadline: Duration)
    case cancelTimer(SIPTimer)
    /// Pass this message up to the TU (client: responses; server: the ACK of a 2xx).
    case deliver(SIPMessage)
    /// The transaction timed out (B, F, H, or a 2xx never ACKed: the UAS should send BYE).
    case timeout
    /// The transaction is over; forget it.
    case terminated
}

/// Matches messages to transactions (RFC 3261 §17.1.3 / §17.2.3; RFC 2543 fallback without magic cookie).
public struct SIPTransactionKey: Sendable, Hashable, CustomStringConvertible {
    public var branch: String
    public var sentBy: String
    /// INVITE for ACKs of non-2xx; otherwise the request/CSeq method.
    public var method: SIPMethod

    public init(branch: String, sentBy: String, method: SIPMethod) {
        self.branch = branch
        self.sentBy = sentBy
        self.method = method
    }

    /// Key of the server transaction a request belongs to (ACK maps to its INVITE).
    public static func server(for request: SIPRequest) -> SIPTransactionKey? {
        guard let via = request.topVia else { return nil }
        let method: SIPMethod = request.method == .ack ? .invite : request.method
        if via.isRFC3261Branch, let branch = via.branch {
            return SIPTransactionKey(branch: branch, sentBy: via.sentBy.lowercased(), method: method)
        }
        // RFC 2543: Call-ID, CSeq number, From tag and top Via identify the transaction.
        let fallback = (request.callID ?? "") + "|" + String(request.cseq?.sequence ?? 0) + "|" + (request.from?.tag ?? "")
        return SIPTransactionKey(branch: fallback, sentBy: via.sentBy.lowercased(), method: method)
    }

    /// Key of the client transaction a response belongs to.
    public static func client(for response: SIPResponse) -> SIPTransactionKey? {
        guard let via = response.topVia, let branch = via.branch, let cseq = response.cseq else { return nil }
        return SIPTransactionKey(branch: branch, sentBy: "", method: cseq.method)
    }

    public var description: String { "\(method.rawValue) \(branch)" }
}
