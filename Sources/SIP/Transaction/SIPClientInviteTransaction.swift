// INVITE client transaction (RFC 3261 §17.1.1 with RFC 6026 "Accepted").

/// States: calling → proceeding → completed (non-2xx, ACK sent here) / accepted (2xx, the TU ACKs) → terminated.
public struct SIPClientInviteTransaction: Sendable, Hashable {
    public enum State: Sendable, Hashable { case calling, proceeding, completed, accepted, terminated }

    public let key: SIPTransactionKey
    public let request: SIPRequest
    public private(set) var state: State = .calling
    public let timers: SIPTimerConfig
    private var interval: Duration
    private var ack: SIPRequest?

    /// `request` must carry a Via with an RFC 3261 branch.
    public init(request: SIPRequest, timers: SIPTimerConfig = SIPTimerConfig()) {
        self.request = request
        self.timers = timers
        self.interval = timers.t1
        self.key = SIPTransactionKey(branch: request.topVia?.branch ?? "", sentBy: "", method: .invite)
    }

    /// Sends the INVITE and starts timers A (unreliable) and B.
    public mutating func start(at now: Duration) -> [SIPTransactionAction] {
        var actions: [SIPTransactionAction] = [.send(.request(request))]
        if !timers.reliable { actions.append(.startTimer(.a, deadline: now + timers.t1)) }
        actions.append(.startTimer(.b, deadline: now + timers.transactionTimeout))
        return actions
    }

    public mutating func handle(_ event: SIPTransactionEvent, at now: Duration) -> [SIPTransactionAction] {
        switch (event, state) {
        case (.received(.response(let response)), .calling), (.received(.response(let response)), .proceeding):
            if response.isProvisional {
                let wasCalling = state == .calling
                state = .proceeding
                return (wasCalling ? [.cancelTimer(.a), .cancelTimer(.b)] : []) + [.deliver(.response(response))]
            }
            if response.isSuccess {
                state = .accepted
                return [.cancelTimer(.a), .cancelTimer(.b), .deliver(.response(response)), .startTimer(.m, deadline: now + timers.transactionTimeout)]
            }
            state = .completed
            let ack = SIPClientInviteTransaction.ackForNonSuccess(request, response: response)
            self.ack = ack
            let wait = timers.reliable ? Duration.zero : Duration.seconds(32)
            return [.cancelTimer(.a), .cancelTimer(.b), .send(.request(ack)), .deliver(.response(response)), .startTimer(.d, deadline: now + wait)]
        case (.received(.response(let response)), .completed) where response.isFinal:
            return ack.map { [.send(.request($0))] } ?? []
        case (.received(.response(let response)), .accepted) where response.isSuccess:
            return [.deliver(.response(response))]  // 2xx retransmission: the TU re-sends its ACK
        case (.received, _), (.send, _):
            return []
        case (.timer(.a), .calling):
            interval = interval * 2
            return [.send(.request(request)), .startTimer(.a, deadline: now + interval)]
        case (.timer(.b), .calling):
            state = .terminated
            return [.cancelTimer(.a), .timeout, .terminated]
        case (.timer(.d), .completed), (.timer(.m), .accepted):
            state = .terminated
            return [.terminated]
        case (.transportError, _):
            state = .terminated
            return [.cancelTimer(.a), .cancelTimer(.b), .timeout, .terminated]
        case (.timer, _):
            return []
        }
    }

    /// The ACK for a non-2xx final response (§17.1.1.3): same Request-URI, Call-ID, From, CSeq number, top
    /// Via and Route as the INVITE; To from the response.
    public static func ackForNonSuccess(_ invite: SIPRequest, response: SIPResponse) -> SIPRequest {
        var headers = SIPHeaders()
        if let via = invite.headers.topVia { headers.add("Via", via.serialized) }
        headers.add("Max-Forwards", "70")
        if let from = invite.headers["From"] { headers.add("From", from) }
        if let to = response.headers["To"] { headers.add("To", to) }
        if let callID = invite.callID { headers.add("Call-ID", callID) }
        headers.add("CSeq", SIPCSeq(invite.cseq?.sequence ?? 1, .ack).serialized)
        for route in invite.headers.values("Route") { headers.add("Route", route) }
        return SIPRequest(method: .ack, uri: invite.uri, headers: headers)
    }
}
