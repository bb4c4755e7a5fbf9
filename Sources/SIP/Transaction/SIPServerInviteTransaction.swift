// INVITE server transaction (RFC 3261 §17.2.1 with RFC 6026 "Accepted"), including the UAS core's 2xx
// retransmission until ACK (§13.3.1.4).

/// States: proceeding → completed (non-2xx) → confirmed → terminated, or proceeding → accepted (2xx) →
/// terminated. Sends `100 Trying` on `start`.
public struct SIPServerInviteTransaction: Sendable, Hashable {
    public enum State: Sendable, Hashable { case proceeding, completed, confirmed, accepted, terminated }

    public let key: SIPTransactionKey
    public let request: SIPRequest
    public private(set) var state: State = .proceeding
    public private(set) var lastResponse: SIPResponse?
    /// Whether the ACK for our 2xx arrived.
    public private(set) var acknowledged = false
    public let timers: SIPTimerConfig
    private var interval: Duration

    public init(request: SIPRequest, key: SIPTransactionKey, timers: SIPTimerConfig = SIPTimerConfig()) {
        self.request = request
        self.key = key
        self.timers = timers
        self.interval = timers.t1
    }

    /// Sends 100 Trying at once.
    public mutating func start(at now: Duration) -> [SIPTransactionAction] {
        let trying = request.makeResponse(100)
        lastResponse = trying
        return [.send(.response(trying))]
    }

    public mutating func handle(_ event: SIPTransactionEvent, at now: Duration) -> [SIPTransactionAction] {
        switch (event, state) {
        case (.received(.request(let incoming)), _) where incoming.method == .ack:
            return receivedACK(incoming, at: now)
        case (.received(.request), .proceeding), (.received(.request), .completed):
            return lastResponse.map { [.send(.response($0))] } ?? []
        case (.received, _):
            return []  // absorbed (RFC 6026: INVITE retransmissions in Accepted)
        case (.send(let response), .proceeding):
            return send(response, at: now)
        case (.send(let response), .accepted) where response.isSuccess:
            lastResponse = response  // e.g. a 2xx with a corrected body; keep retransmitting the newest
            return [.send(.response(response))]
        case (.send, _):
            return []
        case (.timer(.g), .completed):
            interval = min(interval * 2, timers.t2)
            return (lastResponse.map { [.send(.response($0))] } ?? []) + [.startTimer(.g, deadline: now + interval)]
        case (.timer(.retransmit2xx), .accepted) where !acknowledged:
            interval = min(interval * 2, timers.t2)
            return (lastResponse.map { [.send(.response($0))] } ?? []) + [.startTimer(.retransmit2xx, deadline: now + interval)]
        case (.timer(.h), .completed):
            state = .terminated
            return [.cancelTimer(.g), .timeout, .terminated]
        case (.timer(.i), .confirmed):
            state = .terminated
            return [.terminated]
        case (.timer(.l), .accepted):
            state = .terminated
            return acknowledged ? [.terminated] : [.cancelTimer(.retransmit2xx), .timeout, .terminated]
        case (.transportError, _):
            state = .terminated
            return [.timeout, .terminated]
        case (.timer, _):
            return []
        }
    }

    private mutating func send(_ response: SIPResponse, at now: Duration) -> [SIPTransactionAction] {
        lastResponse = response
        if response.isProvisional { return [.send(.response(response))] }
        interval = timers.t1
        if response.isSuccess {
            state = .accepted
            var actions: [SIPTransactionAction] = [.send(.response(response))]
            actions.append(.startTimer(.retransmit2xx, deadline: now + timers.t1))  // even over TCP (§13.3.1.4)
            actions.append(.startTimer(.l, deadline: now + timers.transactionTimeout))
            return actions
        }
        state = .completed
        var actions: [SIPTransactionAction] = [.send(.response(response))]
        if !timers.reliable { actions.append(.startTimer(.g, deadline: now + timers.t1)) }
        actions.append(.startTimer(.h, deadline: now + timers.transactionTimeout))
        return actions
    }

    private mutating func receivedACK(_ ack: SIPRequest, at now: Duration) -> [SIPTransactionAction] {
        switch state {
        case .completed:
            state = .confirmed
            let wait = timers.reliable ? Duration.zero : timers.t4
            return [.cancelTimer(.g), .cancelTimer(.h), .startTimer(.i, deadline: now + wait)]
        case .accepted:
            let first = !acknowledged
            acknowledged = true
            return first ? [.cancelTimer(.retransmit2xx), .deliver(.request(ack))] : []
        default:
            return []
        }
    }
}
