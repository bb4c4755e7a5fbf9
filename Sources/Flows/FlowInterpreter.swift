/// The pure state machine of one call's place in its flow: `handle(event, at:)` → actions.
/// It never reads a clock or does I/O; timers are requested with `.startTimer` and come back as
/// `.timerFired`. Create one per call from a validated `Flow`.
public struct FlowInterpreter: Sendable {
    public let flow: Flow
    /// Current variables (`vars.*`).
    public internal(set) var variables: [String: JSONValue]
    /// The step the call is in, `nil` before `.callStarted` and after the end.
    public internal(set) var currentStep: String?
    /// True once `.endOfFlow` was emitted.
    public internal(set) var isFinished = false

    public init(flow: Flow) {
        self.flow = flow
        self.variables = flow.vars
    }

    /// Feeds one event at instant `now` and returns what the engine must do, in order.
    public mutating func handle(_ event: FlowEvent, at now: FlowInstant) -> [FlowAction] {
        []
    }
}
