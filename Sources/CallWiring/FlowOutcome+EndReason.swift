// CallWiring: how a flow's outcome is named in the call log, the replay expectations and the demo.
public import Flows

extension FlowOutcome {
    /// `completed`, `transferred`, `caller_hangup` or `error` (CallLog's end reasons).
    public var endReason: String {
        switch self {
        case .hungUp: "completed"
        case .transferred: "transferred"
        case .callerHungUp: "caller_hangup"
        case .failed: "error"
        }
    }

    /// The transfer target, when the call was transferred.
    public var route: String? {
        if case .transferred(let uri) = self { return uri }
        return nil
    }
}
