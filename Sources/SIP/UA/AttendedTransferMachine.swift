// SIP: the attended (warm) transfer's state machine, pure: events in (the target's leg answered or failed, the
// whisper played, the REFER's outcome, either leg hung up), actions out (cancel or hang up a leg, send the
// REFER with Replaces, bridge the legs, report the outcome once). The bridge performs the actions.

/// One attended transfer: Switchboard calls the target, whispers, then REFERs the caller with Replaces; a
/// refused REFER falls back to bridging the two legs. Busy/no answer/failure of the target reports a failure
/// (the caller stays connected).
public struct AttendedTransferMachine: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// The target's leg rings.
        case calling
        /// The target answered and hears the whisper.
        case whispering
        /// The caller's side got REFER (Replaces) and we wait for its outcome.
        case referring
        /// We relay audio between the two legs.
        case bridged
        case done
    }

    public enum Event: Sendable, Equatable {
        case targetAnswered
        /// The target's leg ended unanswered (busy, no answer, failed) or could not be placed.
        case targetFailed(reason: String)
        /// The whisper has been played to the target (or there was none).
        case whisperFinished
        /// The REFER completed (NOTIFY sipfrag 2xx).
        case referCompleted
        /// The REFER was refused, failed or timed out.
        case referFailed(reason: String)
        case callerHungUp
        case targetHungUp
    }

    public enum Outcome: Sendable, Equatable {
        /// The caller's side connected itself to the target (REFER with Replaces completed).
        case transferred
        /// REFER was refused: the legs are bridged by us.
        case bridged(detail: String)
        case failed(reason: String)
    }

    public enum Action: Sendable, Equatable {
        /// CANCEL (ringing) or BYE the target's leg.
        case hangUpTarget
        /// BYE the caller's leg.
        case hangUpCaller
        /// REFER the caller's dialog to the target with Replaces naming the target's leg.
        case sendRefer
        /// Relay audio both ways between the legs.
        case bridge
        /// Tell the flow how the transfer went (exactly once).
        case report(Outcome)
    }

    public private(set) var state: State = .calling
    /// The whisper ended before the answer was reported (no whisper, or events raced).
    private var whisperDone = false
    private var reported = false

    public init() {}

    public mutating func handle(_ event: Event) -> [Action] {
        switch (state, event) {
        case (.calling, .targetAnswered):
            if whisperDone {
                state = .referring
                return [.sendRefer]
            }
            state = .whispering
            return []
        case (.calling, .whisperFinished):
            whisperDone = true
            return []
        case (.calling, .targetFailed(let reason)):
            return finish(.failed(reason: reason))
        case (.calling, .callerHungUp):
            return [.hangUpTarget] + finish(.failed(reason: "the caller hung up while the target was called"))
        case (.whispering, .whisperFinished):
            state = .referring
            return [.sendRefer]
        case (.whispering, .targetHungUp), (.whispering, .targetFailed):
            return finish(.failed(reason: "the target hung up during the whisper"))
        case (.whispering, .callerHungUp), (.referring, .callerHungUp):
            return [.hangUpTarget] + finish(.failed(reason: "the caller hung up during the transfer"))
        case (.referring, .referCompleted):
            // The caller's side now talks to the target over a new dialog; our leg to the target is replaced.
            return [.hangUpTarget] + finish(.transferred)
        case (.referring, .referFailed(let reason)):
            state = .bridged
            reported = true
            return [.bridge, .report(.bridged(detail: reason))]
        case (.referring, .targetHungUp):
            return finish(.failed(reason: "the target hung up before the transfer completed"))
        case (.bridged, .callerHungUp):
            state = .done
            return [.hangUpTarget]
        case (.bridged, .targetHungUp):
            state = .done
            return [.hangUpCaller]
        default:
            return []
        }
    }

    private mutating func finish(_ outcome: Outcome) -> [Action] {
        state = .done
        guard !reported else { return [] }
        reported = true
        return [.report(outcome)]
    }
}
