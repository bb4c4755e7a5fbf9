/// What the current step is waiting for.
import SwitchboardCore

enum Phase: Sendable {
    case idle
    /// `say`: the prompt, then `next`.
    case saying(PromptID, next: String?)
    case gather(GatherState)
    case agent(AgentState)
    /// `tool` step: the call id it waits for.
    case tool(id: String, step: ToolStep)
    /// `transfer`: announcement playing (`prompt`) or the transfer running.
    case transferring(prompt: PromptID?, uri: String, route: String?, tried: [String], step: TransferStep)
    /// `hangup` with a goodbye.
    case hangingUp(PromptID, reason: String)
    /// `record`: prompt / beep playing, then recording.
    case recording(prompt: PromptID?, beep: PromptID?, step: RecordStep)
}

struct GatherState: Sendable {
    var step: GatherStep
    var attempt = 0
    var digits = ""
    /// The prompt still playing (digits cut it when interruptible).
    var prompt: PromptID?
    var timer: FlowTimerID?
}

struct AgentState: Sendable {
    enum Wait: Sendable {
        case thinking
        case speaking(PromptID)
        case listening
        /// Running the tool calls of the last reply.
        case tools(ToolBatch)
        /// Playing the last words before leaving through an exit.
        case leaving(PromptID, to: String?)
    }
    var step: AgentStep
    var name: String
    var turns = 0
    var silences = 0
    var toolRounds = 0
    var requests = 0
    /// The reply being awaited answers a silence nudge (does not count towards `max_turns`).
    var nudging = false
    var wait: Wait = .listening
    var silenceTimer: FlowTimerID?
}

extension FlowInterpreter {
    /// Routes an event to the waiting step.
    mutating func dispatch(_ event: FlowEvent) {
        switch phase {
        case .idle:
            break
        case .saying(let id, let next):
            if event == .playbackFinished(id) { enter(next) }
        case .gather(let state):
            handleGather(event, state)
        case .agent(let state):
            handleAgent(event, state)
        case .tool(let id, let step):
            guard case .toolResult(let result) = event, result.id == id else { return }
            switch result.outcome {
            case .success(let value):
                log("tool_result", detail: step.tool)
                if let store = step.store { setVariable(store, value) }
                enter(step.next)
            case .failure(let message):
                fail("tool \(step.tool) failed: \(message)", handler: step.onError)
            }
        case .transferring(let prompt, let uri, let route, let tried, let step):
            handleTransfer(event, prompt: prompt, uri: uri, route: route, tried: tried, step: step)
        case .hangingUp(let id, let reason):
            if event == .playbackFinished(id) { finish(.hungUp(reason: reason), hangUp: true) }
        case .recording(let prompt, let beep, let step):
            handleRecord(event, prompt: prompt, beep: beep, step: step)
        }
    }

    /// Starts a step's work.
    mutating func run(_ step: Step) {
        switch step.kind {
        case .say(let say):
            let id = playContent(say.content, interruptible: say.interruptible, voice: say.voice)
            phase = .saying(id, next: say.next)
        case .gather(let gather):
            startGatherAttempt(GatherState(step: gather))
        case .agent(let agent):
            startAgent(agent, name: step.name)
        case .set(let set):
            let context = self.context
            for assignment in set.assignments {
                let value: JSONValue
                switch assignment.value {
                case .literal(let literal): value = literal
                case .template(let template): value = .string(template.render { context.lookup($0) })
                case .expression(let expression): value = context.evaluate(expression)
                }
                setVariable(assignment.variable, value)
            }
            enter(set.next)
        case .switch(let choice):
            let context = self.context
            let target = choice.cases.first { context.evaluate($0.condition).isTruthy }?.target ?? choice.defaultTarget
            enter(target)
        case .goto(let target):
            enter(target)
        case .tool(let tool):
            let id = "step:\(step.name):\(nextToolCallNumber)"
            nextToolCallNumber += 1
            let context = self.context
            let args = JSONValue.object(tool.args.mapValues { $0.render(context) })
            output.append(.callTools([ToolCall(id: id, name: tool.tool, arguments: args)]))
            phase = .tool(id: id, step: tool)
        case .transfer(let transfer):
            startTransfer(transfer)
        case .hangup(let hangup):
            if let goodbye = hangup.goodbye {
                let id = play(.text(render(goodbye)), interruptible: false, voice: nil)
                phase = .hangingUp(id, reason: hangup.reason)
            } else {
                finish(.hungUp(reason: hangup.reason), hangUp: true)
            }
        case .record(let record):
            var prompt: PromptID?
            if let content = record.prompt { prompt = playContent(content, interruptible: false, voice: nil) }
            phase = .recording(prompt: prompt, beep: nil, step: record)
            if prompt == nil { startRecording(record) }
        case .sendDTMF(let send):
            let digits = render(send.digits)
            log("send_dtmf", detail: digits)
            output.append(.sendDigits(digits))
            enter(send.next)
        }
    }
}

extension TemplatedJSON {
    func render(_ context: EvaluationContext) -> JSONValue {
        switch self {
        case .value(let value): return value
        case .template(let template):
            // A lone placeholder keeps the value's JSON type ("{{vars.n}}" → 3, not "3").
            if template.segments.count == 1, case .path(let path, _) = template.segments[0] {
                return context.lookup(path) ?? .null
            }
            return .string(template.render { context.lookup($0) })
        case .array(let items): return .array(items.map { $0.render(context) })
        case .object(let members): return .object(members.mapValues { $0.render(context) })
        }
    }
}
