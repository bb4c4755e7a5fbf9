import Foundation
public import SwitchboardCore

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

    var call: CallInfo?
    var startInstant: FlowInstant = .zero
    var now: FlowInstant = .zero
    var phase: Phase = .idle
    var nextPromptID: PromptID = 1
    var nextTimerGeneration = 1
    var nextToolCallNumber = 1
    var stepsThisEvent = 0
    var errorHandlings = 0
    var callerGone = false
    /// Actions produced while handling the current event.
    var output: [FlowAction] = []

    public init(flow: Flow) {
        self.flow = flow
        self.variables = flow.vars
    }

    /// Feeds one event at instant `now` and returns what the engine must do, in order.
    public mutating func handle(_ event: FlowEvent, at now: FlowInstant) -> [FlowAction] {
        guard !isFinished else { return [] }
        self.now = now
        output = []
        stepsThisEvent = 0
        switch event {
        case .callStarted(let info):
            guard call == nil else { break }
            call = info
            startInstant = now
            log("call_started", detail: "caller \(info.callerNumber)")
            enter(flow.start)
        case .hangUp:
            handleHangUp()
        default:
            guard call != nil else { break }
            dispatch(event)
        }
        let actions = output
        output = []
        return actions
    }

    // MARK: - Moving between steps

    /// Runs `name` (and any steps that follow without waiting).
    mutating func enter(_ name: String?) {
        guard let name else {
            finish(callerGone ? .callerHungUp : .hungUp(reason: "end of flow"), hangUp: true)
            return
        }
        stepsThisEvent += 1
        guard stepsThisEvent <= FlowLimits.maxStepsPerEvent else {
            log("error", detail: "more than \(FlowLimits.maxStepsPerEvent) steps without waiting; ending the call")
            finish(.failed(reason: "flow loops without waiting"), hangUp: true)
            return
        }
        guard let step = flow.steps[name] else {
            finish(.failed(reason: "unknown step \(name)"), hangUp: true)
            return
        }
        currentStep = name
        phase = .idle
        log("step", detail: step.kind.keyword)
        if callerGone {
            switch step.kind {
            case .set, .switch, .goto, .tool: break
            default:
                finish(.callerHungUp, hangUp: false)
                return
            }
        }
        run(step)
    }

    /// A model or tool failure: the step's handler, else the flow's `on_error`, else hang up.
    mutating func fail(_ reason: String, handler: String?) {
        log("error", detail: reason)
        variables["error"] = .string(reason)
        output.append(.setVariable(name: "error", value: .string(reason)))
        errorHandlings += 1
        if let target = handler ?? flow.onError, errorHandlings <= 3, target != currentStep || handler != nil {
            enter(target)
        } else if callerGone {
            finish(.callerHungUp, hangUp: false)
        } else {
            finish(.failed(reason: reason), hangUp: true)
        }
    }

    mutating func finish(_ outcome: FlowOutcome, hangUp: Bool) {
        if hangUp, !callerGone {
            let reason: String
            switch outcome {
            case .hungUp(let why): reason = why
            case .failed(let why): reason = "error: \(why)"
            default: reason = "end of flow"
            }
            output.append(.hangUp(reason: reason))
        }
        log("end", detail: "\(outcome)")
        output.append(.endOfFlow(outcome))
        currentStep = nil
        phase = .idle
        isFinished = true
    }

    mutating func handleHangUp() {
        guard call != nil, !callerGone else { return }
        callerGone = true
        log("caller_hung_up", detail: currentStep ?? "")
        cancelPhase()
        if let handler = flow.onHangup {
            enter(handler)
        } else {
            finish(.callerHungUp, hangUp: false)
        }
    }

    /// Stops whatever the current step is waiting on (timers, model).
    mutating func cancelPhase() {
        switch phase {
        case .gather(let state):
            if let timer = state.timer { output.append(.cancelTimer(timer)) }
        case .agent(let state):
            if let timer = state.silenceTimer { output.append(.cancelTimer(timer)) }
            if case .thinking = state.wait { output.append(.cancelModel) }
        default: break
        }
        phase = .idle
    }

    // MARK: - Helpers

    mutating func log(_ kind: String, detail: String) {
        output.append(.log(FlowLogEvent(kind: kind, step: currentStep, detail: detail)))
    }

    mutating func play(_ content: Prompt.Content, interruptible: Bool, voice: String?, language: String? = nil) -> PromptID {
        let id = nextPromptID
        nextPromptID += 1
        output.append(.play(Prompt(
            id: id, content: content, interruptible: interruptible, voice: voice ?? flow.defaults.voice,
            language: language ?? flow.defaults.language, tts: flow.defaults.tts)))
        return id
    }

    mutating func playContent(_ content: PromptContent, interruptible: Bool, voice: String?) -> PromptID {
        switch content {
        case .text(let template):
            return play(Prompt.Content.text(render(template)), interruptible: interruptible, voice: voice, language: nil)
        case .audio(let path):
            return play(Prompt.Content.audio(path), interruptible: interruptible, voice: voice, language: nil)
        }
    }

    mutating func startTimer(_ kind: FlowTimerID.Kind, afterMs millis: Int) -> FlowTimerID {
        let id = FlowTimerID(kind: kind, generation: nextTimerGeneration)
        nextTimerGeneration += 1
        output.append(.startTimer(id, deadline: now + .milliseconds(millis)))
        return id
    }

    mutating func setVariable(_ name: String, _ value: JSONValue) {
        variables[name] = value
        output.append(.setVariable(name: name, value: value))
    }

    /// Wall-clock time now (call start + elapsed).
    var wallClock: Date {
        let elapsed = now - startInstant
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (call?.startedAt ?? Date(timeIntervalSince1970: 0)).addingTimeInterval(seconds)
    }

    var context: EvaluationContext {
        var callFields: [String: JSONValue] = ["id": .string(call?.callID ?? "")]
        callFields["to"] = .string(call?.calledNumber ?? "")
        callFields["started_at"] = .string(ISO8601DateFormatter().string(from: call?.startedAt ?? Date(timeIntervalSince1970: 0)))
        let roots: [String: JSONValue] = [
            "caller": .object(["number": .string(call?.callerNumber ?? ""), "name": .string(call?.callerName ?? "")]),
            "call": .object(callFields),
            "time": LocalTime(date: wallClock, timezone: flow.defaults.timezone).fields,
            "vars": .object(variables),
        ]
        return EvaluationContext(roots: roots, now: wallClock, hours: flow.hours)
    }

    func render(_ template: Template) -> String {
        let context = self.context
        return template.render { context.lookup($0) }
    }
}
