// CallEngine: caller transcripts. Each caller turn that goes to the flow is transcribed in a task of its own
// (the call never waits for it); when the text arrives it replaces the turn's missing transcript in the
// model's history — so a turn whose audio aged out of the history is sent as what the caller said, not as a
// placeholder — and is written to the call log's turn row.
extension CallSession {
    /// Logs a caller turn (its transcript follows later, when one is made). Returns its index.
    @discardableResult
    func logCallerTurn(_ turn: TurnDetector.Turn) -> Int {
        let index = callerTurnsLogged
        callerTurnsLogged += 1
        log(.turn(speaker: .caller, text: nil, durationMs: turn.durationMs))
        return index
    }

    /// Starts transcribing `turn` (caller turn number `index`) when a transcriber is configured.
    func transcribe(_ turn: TurnDetector.Turn, index: Int) {
        guard let transcriber = dependencies.transcriber else { return }
        let wav = turn.wav(sampleRate: configuration.turnDetection.modelSampleRate)
        let language = interpreter.flow.defaults.language
        transcriptions[index] = Task {
            let text: String
            do {
                text = try await transcriber.transcribe(wav: wav, language: language)
            } catch {
                if !Task.isCancelled { self.transcriptionFailed(index, error) }
                return
            }
            self.callerTranscribed(index, wav: wav, text: text)
        }
    }

    private func transcriptionFailed(_ index: Int, _ error: any Error) {
        transcriptions[index] = nil
        logger.warning("caller transcription failed", metadata: ["turn": "\(index)", "error": "\(error)"])
    }

    private func callerTranscribed(_ index: Int, wav: [UInt8], text: String) {
        transcriptions[index] = nil
        guard !text.isEmpty else { return }
        callerTranscripts[index] = text
        for position in history.indices {
            if case .callerAudio(let audio, nil) = history[position], audio == wav {
                history[position] = .callerAudio(wav: audio, transcript: text)
            }
        }
        log(.callerTranscript(turn: index, text: text))
    }
}
