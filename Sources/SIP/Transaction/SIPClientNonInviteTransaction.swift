// Non-INVITE client transaction (RFC 3261 §17.1.2).

/// States: trying → proceeding → completed → terminated (timers E, F, K).
public struct SIPClientNonInviteTransaction: Sendable, Hashable {
    public enum State: Sendable, Hashable { case trying, proceeding, completed, terminated }

    public let key: SIPTransactionKey
    public let request: SIPRequest
    public private(set) var state: State = .trying
    public let timers: SIPTimerConfig
    private var interval: Duration

    public init(request: SIPRequest, timers: SIPTimerConfig = SIPTimerConfig()) {
        self.request = request
        self.timers = timers
        self.interval = timers.t1
        self.key = SIPTransactionKey(branch: request.topVia?.branch ?? "", sentBy: "", method: request.method)
    }

    /// Sends the request and starts timers E (unreliable) and F.
    public mutating func start(at now: Duration) -> [SIPTransactionAction] {
        var actions: [SIPTransactionAction] = [.send(.request(request))]
        if !timers.reliable { actions.append(.startTimer(.e, deadline: now + timers.t1)) }
        actions.append(.startTimer(.f, deadline: now + timers.transactionTimeout))
        return actions
    }

    public mutating func handle(_ event: SIPTransactionEvent, at now: Duration) -> [SIPTransactionAction] {
        switch (event, state) {
        case (.received(.response(let response)), .trying), (.received(.response(let response)), .proceeding):
            if response.isProvisional {
                state = .proceeding
                return [.deliver(.response(response))]
            }
            state = .completed
            let wait = timers.reliable ? Duration.zero : timers.t4
            return [.cancelTimer(.e), .cancelTimer(.f), .deliver(.response(response)), .startTimer(.k, deadline: now + wait)]
        case (.timer(.e), .trying), (.timer(.e), .proceeding):
            interval = state == .proceeding ? timers.t2 : min(interval * 2, timers.t2)
            return [.send(.request(request)), .startTimer(.e, deadline: now + interval)]
        case (.timer(.f), .trying), (.timer(.f), .proceeding):
            state = .terminated
            return [.cancelTimer(.e), .timeout, .terminated]
        case (.timer(.k), .completed):
            state = .terminated
            return [.terminated]
        case (.transportError, .trying), (.transportError, .proceeding):
            state = .terminated
            return [.cancelTimer(.e), .cancelTimer(.f), .timeout, .terminated]
        default:
            return []
        }
    }
}
