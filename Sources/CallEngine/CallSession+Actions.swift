import Flows
import SwitchboardCore

extension CallSession {
    /// Does one interpreter action.
    func execute(_ action: FlowAction) async {
        switch action {
        case .play(let prompt):
            await play(prompt)
        case .stopPlayback:
            await stopPlayback()
        case .listen(let config):
            listening = config
        case .stopListening:
            listening = nil
        case .startTimer(let id, let deadline):
            startTimer(id, deadline: deadline)
        case .cancelTimer(let id):
            timers.removeValue(forKey: id)?.cancel()
        case .askModel(let request):
            askModel(request)
        case .cancelModel:
            cancelModel(reason: "step left")
            pendingReply = nil
        case .callTools(let calls):
            runTools(calls)
        case .transfer(let uri, let route):
            await transfer(uri: uri, route: route)
        case .attendedTransfer(let request):
            await attendedTransfer(request)
        case .hangUp(let reason):
            log(.note(kind: "hangup", detail: reason))
            if !callerGone { await media.hangUp(.completed) }
        case .record(let config):
            startRecording(config)
        case .sendDigits(let digits):
            await sendDigits(digits)
        case .setVariable(let name, let value):
            log(.note(kind: "set", detail: "\(name)=\(value.jsonText)"))
        case .log(let event):
            if event.kind == "step", let step = event.step {
                stepsVisited.append(step)
                log(.stepEntered(step))
            } else {
                log(.note(kind: event.kind, detail: event.detail))
            }
        case .endOfFlow(let result):
            finish(result)
        }
    }

    private func startTimer(_ id: FlowTimerID, deadline: Duration) {
        timers.removeValue(forKey: id)?.cancel()
        let clock = self.clock
        timers[id] = clock.task {
            do {
                try await clock.sleep(until: deadline)
            } catch {
                return
            }
            await self.timerFired(id)
        }
    }

    private func timerFired(_ id: FlowTimerID) async {
        guard timers.removeValue(forKey: id) != nil else { return }
        await feed(.timerFired(id))
    }

    /// Hands one batch (a model turn's calls, or a tool step's call) to the tools port at once; the port runs
    /// them concurrently under its caps. The results go to the flow in the calls' order when all are in.
    private func runTools(_ calls: [ToolCall]) {
        guard !calls.isEmpty else { return }
        let tools = dependencies.tools
        let clock = self.clock
        let context = ToolRunContext(
            callID: info.callID, callerNumber: info.callerNumber, flow: interpreter.flow.name, step: interpreter.currentStep
        )
        clock.task {
            let started = clock.now
            let results = await tools.run(calls, context: context)
            await self.toolsFinished(calls, results: results, durationMs: (clock.now - started).milliseconds)
        }
    }

    /// Logs every call of the batch (its `durationMs` is the batch's time on the call clock: the calls ran
    /// together; the runner's own per-call timing goes to the `tool_calls` table) and feeds the results.
    private func toolsFinished(_ calls: [ToolCall], results: [ToolResult], durationMs: Int) async {
        guard !isEnded else { return }
        var answers: [ToolResult] = []
        for (index, call) in calls.enumerated() {
            let result =
                results.indices.contains(index) && results[index].id == call.id
                ? results[index]
                : results.first { $0.id == call.id }
                    ?? ToolResult(id: call.id, outcome: .failure("tool_no_result: the tool runner gave no result for \(call.name)"))
            let arguments = call.arguments.jsonText
            switch result.outcome {
            case .success(let value):
                log(.toolCall(name: call.name, arguments: arguments, result: value.jsonText, error: nil, durationMs: durationMs))
            case .failure(let message):
                logger.warning("tool failed", metadata: ["tool": "\(call.name)", "error": "\(message)"])
                log(.toolCall(name: call.name, arguments: arguments, result: nil, error: message, durationMs: durationMs))
            }
            answers.append(result)
        }
        for answer in answers {
            await feed(.toolResult(answer))
        }
    }

    private func transfer(uri: String, route: String?) async {
        let result = await media.transfer(to: uri)
        switch result {
        case .transferred:
            log(.transfer(target: uri, result: "ok"))
            await feed(.transferResult(failure: nil))
            // The caller's leg left us (NOTIFY 2xx): end it (BYE) now that the flow has ended as transferred.
            if !callerGone { await media.hangUp(.transferred) }
        case .failed(let reason):
            log(.transfer(target: uri, result: reason))
            await feed(.transferResult(failure: reason))
        case .bridged(let detail):
            // Not expected from a blind transfer; treated like the attended case (the legs are joined).
            log(.transfer(target: uri, result: "bridged: \(detail)"))
            await feed(.transferResult(failure: nil))
        }
    }

    /// Attended transfer: the whisper is synthesized here (the prompts' synthesizer and voice), the transport
    /// calls the target, speaks it, then REFERs with Replaces or bridges the legs. While it rings the caller
    /// hears whatever is queued (silence keeps the media flowing).
    private func attendedTransfer(_ request: AttendedTransferRequest) async {
        var whisper: [Int16] = []
        if let text = request.whisper {
            let defaults = interpreter.flow.defaults
            do {
                let speech = SpeechRequest(
                    text: text, voice: defaults.voice, language: defaults.language, rate: configuration.speechRate,
                    engine: defaults.tts == "model" ? .model : .espeak)
                whisper = try await dependencies.synthesizer.synthesize(speech, sampleRate: sampleRate).samples
                log(.note(kind: "whisper", detail: text))
            } catch {
                logger.error("whisper synthesis failed", metadata: ["error": "\(error.message)"])
                log(.note(kind: "error", detail: "whisper synthesis failed: \(error.message)"))
            }
        }
        let leg = AttendedTransferLeg(
            target: request.uri, whisper: whisper, whisperRate: sampleRate, answerTimeoutMs: request.answerTimeoutMs,
            callerID: info.callerNumber.isEmpty ? nil : info.callerNumber)
        let result = await media.attendedTransfer(leg)
        guard !isEnded else { return }
        switch result {
        case .transferred:
            log(.transfer(target: request.uri, result: "ok: attended, REFER with Replaces completed"))
            await feed(.transferResult(failure: nil))
            if !callerGone { await media.hangUp(.transferred) }
        case .bridged(let detail):
            // The transport relays the two legs until one hangs up; the flow is over (transferred).
            log(.transfer(target: request.uri, result: "bridged: \(detail)"))
            await feed(.transferResult(failure: nil))
        case .failed(let reason):
            log(.transfer(target: request.uri, result: reason))
            await feed(.transferResult(failure: reason))
        }
    }

    func handleDigit(_ digit: Character) async {
        log(.dtmf(digit))
        if let config = mediaControl.recordingConfig, let terminator = config.terminator, terminator == digit {
            await finishRecording(.terminator)
            return
        }
        await feed(.dtmf(digit))
    }

    func handleCallerHangUp() async {
        callerGone = true
        if mediaControl.recordingID != nil { await finishRecording(.hangup) }
        callerAudio.flush(atMs: clock.now.milliseconds) { event in
            if case .turn(let turn) = event { _ = logCallerTurn(turn) }
        }
        cancelModel(reason: "caller hung up")
        media.outbound.clear()
        playing.removeAll()
        await feed(.hangUp)
        if !isEnded { finish(.callerHungUp) }
    }
}
