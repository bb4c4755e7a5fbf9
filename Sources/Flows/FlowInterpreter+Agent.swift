extension FlowInterpreter {
    static let maxToolRoundsPerTurn = 8

    mutating func startAgent(_ step: AgentStep, name: String) {
        var state = AgentState(step: step, name: name)
        output.append(.listen(ListenConfig(dtmf: nil, speech: true)))
        if let greeting = step.greeting {
            state.wait = .speaking(play(.text(render(greeting)), interruptible: true, voice: step.voice, language: step.language))
            phase = .agent(state)
        } else {
            askModel(&state, .start)
        }
    }

    mutating func askModel(_ state: inout AgentState, _ trigger: ModelTrigger) {
        if let timer = state.silenceTimer { output.append(.cancelTimer(timer)) }
        state.silenceTimer = nil
        let tools = state.step.tools.compactMap { flow.tools[$0] }
        let settings = AgentModelSettings(
            step: state.name, instructions: render(state.step.instructions), voice: state.step.voice ?? flow.defaults.voice,
            model: state.step.model ?? flow.defaults.model, language: state.step.language ?? flow.defaults.language,
            tools: tools)
        output.append(.askModel(ModelRequest(
            settings: settings, trigger: trigger, turn: state.turns, isNewConversation: state.requests == 0)))
        state.requests += 1
        state.wait = .thinking
        phase = .agent(state)
    }

    mutating func listenForCaller(_ state: inout AgentState) {
        state.wait = .listening
        state.silenceTimer = startTimer(.silence, afterMs: state.step.silenceTimeoutMs)
        phase = .agent(state)
    }

    mutating func handleAgent(_ event: FlowEvent, _ current: AgentState) {
        var state = current
        switch (event, state.wait) {
        case (.playbackFinished(let id), .speaking(let playing)) where id == playing:
            afterSpeaking(&state)
        case (.playbackFinished(let id), .leaving(let playing, let target)) where id == playing:
            output.append(.stopListening)
            enter(target)
        case (.speechTurn(let transcript), .listening), (.speechTurn(let transcript), .speaking),
            (.speechTurn(let transcript), .thinking):
            if case .thinking = state.wait {
                output.append(.cancelModel)  // barge-in: the caller spoke again before the reply
            }
            state.silences = 0
            state.toolRounds = 0
            state.nudging = false
            askModel(&state, .callerTurn(transcript: transcript))
        case (.speechStarted, .listening):
            // The caller is talking: the silence timer waits for the turn (guarded, see `speechGuardMs`).
            if let timer = state.silenceTimer { output.append(.cancelTimer(timer)) }
            state.silenceTimer = startTimer(.silence, afterMs: state.step.silenceTimeoutMs + Self.speechGuardMs)
            phase = .agent(state)
        case (.timerFired(let id), .listening) where id == state.silenceTimer:
            state.silenceTimer = nil
            state.silences += 1
            log("silence", detail: "\(state.silences) of \(state.step.maxSilences)")
            if state.silences >= state.step.maxSilences {
                leaveAgent(to: state.step.onSilence, orHangUp: "caller silent")
            } else {
                state.nudging = true
                askModel(&state, .callerSilent)
            }
        case (.modelReply(let reply), .thinking):
            handleReply(reply, &state)
        case (.modelFailed(let reason), .thinking):
            output.append(.stopListening)
            fail("model failed: \(reason)", handler: state.step.onError)
        case (.toolResult(let result), .tools(let batch)):
            handleToolResult(result, batch, &state)
        default:
            break
        }
    }

    mutating func handleReply(_ reply: ModelReply, _ state: inout AgentState) {
        let text = reply.text.flatMap { $0.isEmpty ? nil : $0 }
        // An exit tool ends the step (after the reply's other tool calls ran: see `ToolBatch`).
        if let exit = exitCall(in: reply, state.step) {
            startTools(reply, text: text, exit: ToolBatch.Exit(call: exit, text: text, alreadySpoken: reply.alreadySpoken), &state)
            return
        }
        if !reply.toolCalls.isEmpty {
            state.toolRounds += 1
            guard state.toolRounds <= Self.maxToolRoundsPerTurn else {
                output.append(.stopListening)
                fail("model called tools \(Self.maxToolRoundsPerTurn) times in a row", handler: state.step.onError)
                return
            }
            startTools(reply, text: text, exit: nil, &state)
            return
        }
        if !state.nudging { state.turns += 1 }
        state.toolRounds = 0
        if let text, !reply.alreadySpoken {
            state.wait = .speaking(play(.text(text), interruptible: true, voice: state.step.voice, language: state.step.language))
            phase = .agent(state)
        } else {
            afterSpeaking(&state)
        }
    }

    mutating func afterSpeaking(_ state: inout AgentState) {
        if state.turns >= state.step.maxTurns {
            log("max_turns", detail: "\(state.turns)")
            leaveAgent(to: state.step.onMaxTurns, orHangUp: "agent reached max_turns")
        } else {
            listenForCaller(&state)
        }
    }

    mutating func leaveAgent(to target: String?, orHangUp reason: String) {
        output.append(.stopListening)
        if let target {
            enter(target)
        } else {
            finish(.hungUp(reason: reason), hangUp: true)
        }
    }
}
