import Foundation
import Testing
@testable import Flows
import SwitchboardCore

/// Drives a `FlowInterpreter` on a virtual timeline (milliseconds) and keeps every action.
struct InterpreterHarness {
    var interpreter: FlowInterpreter
    var all: [FlowAction] = []

    init(_ flow: Flow) {
        interpreter = FlowInterpreter(flow: flow)
    }

    /// Sends an event; returns the actions without `.log` lines.
    @discardableResult
    mutating func send(_ event: FlowEvent, at millis: Int) -> [FlowAction] {
        let actions = interpreter.handle(event, at: .milliseconds(millis))
        all += actions
        return actions.filter { if case .log = $0 { return false } else { return true } }
    }

    /// Starts the call at t=0 with a fixed caller and wall-clock time.
    @discardableResult
    mutating func start(caller: String = "+4915112345678", at date: Date = Date(timeIntervalSince1970: 1_795_000_000)) -> [FlowAction] {
        send(.callStarted(CallInfo(callID: "call-1", callerNumber: caller, callerName: "Ada", calledNumber: "+4930123", startedAt: date)), at: 0)
    }

    /// Finishes every prompt in `actions` (in order) at `millis`, returning everything that followed.
    mutating func finishPrompts(in actions: [FlowAction], at millis: Int) -> [FlowAction] {
        var out: [FlowAction] = []
        for id in promptIDs(actions) { out += send(.playbackFinished(id), at: millis) }
        return out
    }
}

func promptIDs(_ actions: [FlowAction]) -> [PromptID] {
    actions.compactMap { if case .play(let prompt) = $0 { return prompt.id } else { return nil } }
}

func spoken(_ actions: [FlowAction]) -> [String] {
    actions.compactMap { action in
        guard case .play(let prompt) = action else { return nil }
        switch prompt.content {
        case .text(let text): return text
        case .audio(let path): return "audio:\(path)"
        case .beep: return "beep"
        }
    }
}

func timers(_ actions: [FlowAction]) -> [(FlowTimerID, FlowInstant)] {
    actions.compactMap { if case .startTimer(let id, let deadline) = $0 { return (id, deadline) } else { return nil } }
}

func outcome(_ actions: [FlowAction]) -> FlowOutcome? {
    actions.compactMap { if case .endOfFlow(let outcome) = $0 { return outcome } else { return nil } }.last
}

func modelRequests(_ actions: [FlowAction]) -> [ModelRequest] {
    actions.compactMap { if case .askModel(let request) = $0 { return request } else { return nil } }
}

/// Every tool call the actions ask for (all batches, flattened).
func toolCalls(_ actions: [FlowAction]) -> [ToolCall] {
    actions.flatMap { if case .callTools(let calls) = $0 { return calls } else { return [] } }
}

/// The `.callTools` batches in the actions, one array per batch.
func toolBatches(_ actions: [FlowAction]) -> [[ToolCall]] {
    actions.compactMap { if case .callTools(let calls) = $0 { return calls } else { return nil } }
}
