import SwitchboardCore

extension FlowInterpreter {
    /// Plays the prompt (or reprompt) and listens; the no-input timer starts when the prompt ends.
    mutating func startGatherAttempt(_ start: GatherState) {
        var state = start
        state.digits = ""
        let step = state.step
        output.append(.listen(ListenConfig(
            dtmf: step.dtmf.map { ListenConfig.DTMF(maxDigits: $0.maxDigits, terminator: $0.terminator) }, speech: step.speech)))
        let content = state.attempt > 0 ? (step.reprompt ?? step.prompt) : step.prompt
        if let content {
            state.prompt = playContent(content, interruptible: step.interruptible, voice: step.voice)
            state.timer = nil
        } else {
            state.prompt = nil
            state.timer = startTimer(.noInput, afterMs: noInputMs(step))
        }
        phase = .gather(state)
    }

    /// How long past the no-input / silence timeout a turn that opened may take to end (the turn detector
    /// cuts turns at 30 s).
    static let speechGuardMs = 35_000

    func noInputMs(_ step: GatherStep) -> Int {
        step.dtmf?.firstDigitTimeoutMs ?? flow.defaults.timeouts.noInputMs
    }

    mutating func handleGather(_ event: FlowEvent, _ current: GatherState) {
        var state = current
        switch event {
        case .playbackFinished(let id) where id == state.prompt:
            state.prompt = nil
            if state.digits.isEmpty { state.timer = startTimer(.noInput, afterMs: noInputMs(state.step)) }
            phase = .gather(state)
        case .dtmf(let digit):
            guard let dtmf = state.step.dtmf else { return }
            if state.prompt != nil {
                guard state.step.interruptible else { return }  // digits during a non-interruptible prompt are dropped
                output.append(.stopPlayback)
                state.prompt = nil
            }
            if let timer = state.timer { output.append(.cancelTimer(timer)) }
            state.timer = nil
            if digit == dtmf.terminator {
                finishGather(state, input: state.digits)
                return
            }
            state.digits.append(digit)
            if state.digits.count >= dtmf.maxDigits || (dtmf.maxDigits > 1 && state.step.digits[state.digits] != nil && dtmf.terminator == nil) {
                finishGather(state, input: state.digits)
                return
            }
            state.timer = startTimer(.interDigit, afterMs: dtmf.interDigitTimeoutMs)
            phase = .gather(state)
        case .timerFired(let id) where id == state.timer:
            state.timer = nil
            if id.kind == .interDigit {
                finishGather(state, input: state.digits)
            } else {
                noInput(state)
            }
        case .speechStarted where state.step.speech && state.prompt == nil && state.timer?.kind == .noInput:
            // The caller is talking: no "sorry, I didn't catch that" over them. The turn's `.speechTurn`
            // decides; a guard timer (a turn is at most 30 s) keeps the flow from waiting forever for it.
            if let timer = state.timer { output.append(.cancelTimer(timer)) }
            state.timer = startTimer(.noInput, afterMs: noInputMs(state.step) + Self.speechGuardMs)
            phase = .gather(state)
        case .speechTurn(let transcript) where state.step.speech:
            if let timer = state.timer { output.append(.cancelTimer(timer)) }
            state.timer = nil
            state.prompt = nil
            let text = transcript ?? ""
            output.append(.stopListening)
            log("input", detail: "speech")
            store(state.step, .string(text))
            if let target = state.step.onSpeech {
                enter(target)
            } else if let key = state.step.digits.keys.sorted().first(where: { Self.spokenDigits(text) == $0 }) {
                enter(state.step.digits[key])
            } else if let next = state.step.next {
                enter(next)
            } else {
                noMatch(state)
            }
        default:
            break
        }
    }

    /// "one", "1", "number two" → digit strings, so callers may say a menu choice.
    static func spokenDigits(_ text: String) -> String {
        let words = ["zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"]
        let cleaned = text.lowercased().filter { $0.isLetter || $0.isNumber || $0 == " " }
        return cleaned.split(separator: " ").compactMap { words[String($0)] ?? (Int($0) != nil ? String($0) : nil) }.joined()
    }

    mutating func store(_ step: GatherStep, _ value: JSONValue) {
        setVariable("last_input", value)
        if let name = step.store { setVariable(name, value) }
    }

    mutating func finishGather(_ state: GatherState, input: String) {
        output.append(.stopListening)
        guard !input.isEmpty else {
            noMatch(state)
            return
        }
        log("input", detail: "dtmf \(input.count) digit(s)")
        store(state.step, .string(input))
        if let target = state.step.digits[input] {
            enter(target)
        } else if let next = state.step.next {
            enter(next)
        } else {
            noMatch(state)
        }
    }

    mutating func noInput(_ current: GatherState) {
        log("no_input", detail: "attempt \(current.attempt + 1)")
        retryOrLeave(current, exhaustedTarget: current.step.onNoInput ?? current.step.next)
    }

    mutating func noMatch(_ current: GatherState) {
        log("no_match", detail: "attempt \(current.attempt + 1)")
        retryOrLeave(current, exhaustedTarget: current.step.onNoMatch ?? current.step.next)
    }

    mutating func retryOrLeave(_ current: GatherState, exhaustedTarget: String?) {
        var state = current
        state.attempt += 1
        if state.attempt <= state.step.retries {
            startGatherAttempt(state)
        } else {
            if output.last != .stopListening { output.append(.stopListening) }
            enter(exhaustedTarget)
        }
    }
}
