import Flows
import SwitchboardCore

/// The model request in flight and what it has produced so far.
struct ModelTurnState {
    var seq: Int
    var step: String
    var startedAt: Duration
    var transcript = ""
    var toolCalls: [ToolCall] = []
    var audioID: String?
    var audioSamples = 0
    var firstAudioAt: Duration?
    var usage: ModelUsage?
}

extension CallSession {
    /// Most caller turns kept as audio in the history; older ones are kept as text.
    static let audioTurnsKept = 4
    /// Said (text to speech, after what was already heard) when a reply breaks off mid-way.
    static let repeatPrompt = "Sorry, the line broke up. Could you say that again?"

    func askModel(_ request: ModelRequest) {
        _ = cancelModel(reason: "superseded")
        pendingReply = nil
        if request.isNewConversation || historyStep != request.step {
            history = []
            historyStep = request.step
        }
        switch request.trigger {
        case .start:
            break
        case .callerTurn(let transcript):
            if let transcript, !transcript.isEmpty {
                history.append(.callerText(transcript))
            } else if let turn = lastTurn {
                let transcript = lastTurnIndex.flatMap { callerTranscripts[$0] }
                history.append(.callerAudio(
                    wav: turn.wav(sampleRate: configuration.turnDetection.modelSampleRate), transcript: transcript))
            }
        case .toolResults(let results):
            for result in results {
                switch result.outcome {
                case .success(let value):
                    history.append(.toolResult(id: result.id, content: value.jsonText))
                case .failure(let message):
                    history.append(.toolResult(id: result.id, content: JSONValue.object(["error": .string(message)]).jsonText))
                }
            }
        case .callerSilent:
            history.append(.callerText("(The caller has said nothing for a while.)"))
        }
        boundHistory()
        modelSeq += 1
        let seq = modelSeq
        modelTurn = ModelTurnState(seq: seq, step: request.step, startedAt: clock.now)
        let turnRequest = ModelTurnRequest(
            callID: info.callID, settings: request.settings, history: history, outputSampleRate: sampleRate)
        let stream = dependencies.model.respond(to: turnRequest)
        modelTask = clock.task {
            do {
                for try await event in stream {
                    guard !Task.isCancelled else { return }
                    await self.modelEvent(seq, event)
                }
                guard !Task.isCancelled else { return }
                await self.modelEnded(seq, failure: nil)
            } catch is CancellationError {
                return
            } catch {
                await self.modelEnded(seq, failure: error)
            }
        }
    }

    private func boundHistory() {
        var audioSeen = 0
        for index in history.indices.reversed() {
            guard case .callerAudio(_, let transcript) = history[index] else { continue }
            audioSeen += 1
            if audioSeen > Self.audioTurnsKept {
                history[index] = .callerText(transcript ?? "(earlier caller turn, audio dropped)")
            }
        }
    }

    private func modelEvent(_ seq: Int, _ event: ModelEvent) async {
        guard var turn = modelTurn, turn.seq == seq, !isEnded else { return }
        switch event {
        case .audio(let samples):
            guard !samples.isEmpty else { return }
            if turn.firstAudioAt == nil { turn.firstAudioAt = clock.now }
            if !playing.contains(where: { $0.kind == .model(seq: seq) }) {
                playing.append(PlaybackItem(kind: .model(seq: seq), mark: nil, interruptible: configuration.modelRepliesInterruptible))
            }
            turn.audioSamples += samples.count
            media.outbound.enqueue(samples)
        case .audioID(let id):
            turn.audioID = id
        case .transcriptDelta(let text):
            turn.transcript += text
        case .toolCall(let call):
            turn.toolCalls.append(call)
        case .finished(let usage):
            turn.usage = usage
        }
        modelTurn = turn
        syncMediaControl()
    }

    private func modelEnded(_ seq: Int, failure: (any Error)?) async {
        guard let turn = modelTurn, turn.seq == seq, !isEnded else { return }
        modelTurn = nil
        modelTask = nil
        let duration = (clock.now - turn.startedAt).milliseconds
        if let failure {
            let reason = (failure as? ModelFailure).map { "\($0.code): \($0.message)" } ?? "\(failure)"
            logger.warning("model request failed", metadata: ["step": "\(turn.step)", "error": "\(reason)"])
            log(.modelRequest(step: turn.step, usage: nil, error: reason, durationMs: duration))
            if turn.audioSamples > 0, turn.toolCalls.isEmpty {
                // The caller already heard part of the reply: keep what was heard (as interrupted), ask the
                // caller to repeat, and go on listening instead of ending the call.
                recordReply(turn, interrupted: true)
                if let index = playing.firstIndex(where: { $0.kind == .model(seq: seq) }) {
                    let mark = newMark()
                    playing[index].mark = mark
                    media.outbound.enqueue([], mark: mark)
                }
                log(.note(kind: "model_interrupted", detail: "the reply broke off after \(turn.audioSamples * 1000 / max(1, sampleRate)) ms of audio: \(reason)"))
                history.append(.assistant(transcript: Self.repeatPrompt, audioID: nil))
                await feed(.modelReply(ModelReply(text: Self.repeatPrompt, alreadySpoken: false)))
                return
            }
            if playing.contains(where: { $0.kind == .model(seq: seq) }) { await stopPlayback() }
            await feed(.modelFailed(reason: reason))
            return
        }
        log(.modelRequest(step: turn.step, usage: turn.usage, error: nil, durationMs: duration))
        recordReply(turn)
        let reply = ModelReply(
            text: turn.transcript.isEmpty ? nil : turn.transcript, toolCalls: turn.toolCalls,
            alreadySpoken: turn.audioSamples > 0
        )
        guard let index = playing.firstIndex(where: { $0.kind == .model(seq: seq) }) else {
            await feed(.modelReply(reply))
            return
        }
        let mark = newMark()
        playing[index].mark = mark
        media.outbound.enqueue([], mark: mark)
        if turn.toolCalls.isEmpty {
            // Answer the flow once the caller has heard the reply, so its timers start after it.
            pendingReply = (mark, reply)
        } else {
            await feed(.modelReply(reply))
        }
    }

    private func recordReply(_ turn: ModelTurnState, interrupted: Bool = false) {
        let text = turn.transcript + (interrupted ? " [interrupted]" : "")
        if !turn.transcript.isEmpty || turn.audioID != nil {
            history.append(.assistant(transcript: text, audioID: interrupted ? nil : turn.audioID))
            say(.bot, text)
            log(.turn(speaker: .bot, text: text, durationMs: turn.audioSamples * 1000 / max(1, sampleRate)))
        }
        if !turn.toolCalls.isEmpty { history.append(.toolCalls(turn.toolCalls)) }
    }

    /// Cancels the model request in flight (barge-in, hang-up, step left). Returns the partial reply to give
    /// the flow when one was in flight.
    @discardableResult
    func cancelModel(reason: String) -> ModelReply? {
        modelTask?.cancel()
        modelTask = nil
        guard let turn = modelTurn else { return nil }
        modelTurn = nil
        modelSeq += 1
        let duration = (clock.now - turn.startedAt).milliseconds
        log(.modelRequest(step: turn.step, usage: turn.usage, error: "cancelled: \(reason)", durationMs: duration))
        recordReply(ModelTurnState(seq: turn.seq, step: turn.step, startedAt: turn.startedAt, transcript: turn.transcript, audioID: turn.audioID, audioSamples: turn.audioSamples), interrupted: true)
        return ModelReply(text: turn.transcript.isEmpty ? nil : turn.transcript, toolCalls: [], alreadySpoken: true)
    }
}
