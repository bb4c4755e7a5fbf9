// Non-INVITE server transaction (RFC 3261 §17.2.2).

/// States: trying → proceeding → completed → terminated (timer J).
public struct SIPServerNonInviteTransaction: Sendable, Hashable {
    public enum State: Sendable, Hashable { case trying, proceeding, completed, terminated }

    public let key: SIPTransactionKey
    public let request: SIPRequest
    public private(set) var state: State = .trying
    public private(set) var lastResponse: SIPResponse?
    public let timers: SIPTimerConfig

    public init(request: SIPRequest, key: SIPTransactionKey, timers: SIPTimerConfig = SIPTimerConfig()) {
        self.request = request
        self.key = key
        self.timers = timers
    }

    public mutating func handle(_ event: SIPTransactionEvent, at now: Duration) -> [SIPTransactionAction] {
        switch (event, state) {
        case (.received, .proceeding), (.received, .completed):
            return lastResponse.map { [.send(.response($0))] } ?? []
        case (.received, _):
            return []
        case (.send(let response), .trying), (.send(let response), .proceeding):
            lastResponse = response
            if response.isProvisional {
                state = .proceeding
                return [.send(.response(response))]
            }
            state = .completed
            let wait = timers.reliable ? Duration.zero : timers.transactionTimeout
            return [.send(.response(response)), .startTimer(.j, deadline: now + wait)]
        case (.timer(.j), .completed):
            state = .terminated
            return [.terminated]
        case (.transportError, _):
            state = .terminated
            return [.timeout, .terminated]
        default:
            return []
        }
    }
}
