import Audio
import Flows
import Foundation

extension CallSession {
    func newMark() -> UInt64 {
        nextMark += 1
        return nextMark
    }

    /// Synthesizes (or loads) a prompt and queues it; its mark reports `.playbackFinished`.
    func play(_ prompt: Prompt) async {
        var samples: [Int16] = []
        switch prompt.content {
        case .text(let text):
            say(.bot, text)
            // The turn is logged once its audio exists, with the length the caller will hear.
            defer { log(.turn(speaker: .bot, text: text, durationMs: samples.count * 1000 / max(1, sampleRate))) }
            do {
                let request = SpeechRequest(
                    text: text, voice: prompt.voice, language: prompt.language, rate: configuration.speechRate,
                    engine: prompt.tts == "model" ? .model : .espeak)
                let audio = try await dependencies.synthesizer.synthesize(request, sampleRate: sampleRate)
                samples = audio.samples
                if let reason = audio.fallbackReason {
                    log(.note(kind: "tts_fallback", detail: "espeak-ng spoke the prompt: \(reason)"))
                }
            } catch {
                logger.error("prompt synthesis failed", metadata: ["error": "\(error.message)"])
                log(.note(kind: "error", detail: "speech synthesis failed: \(error.message)"))
            }
        case .audio(let path):
            samples = loadPromptAudio(path)
        case .beep:
            samples = Self.beep(sampleRate: sampleRate)
        }
        guard !isEnded else { return }
        let mark = newMark()
        playing.append(PlaybackItem(kind: .prompt(prompt.id), mark: mark, interruptible: prompt.interruptible))
        media.outbound.enqueue(samples, mark: mark)
    }

    private func loadPromptAudio(_ path: String) -> [Int16] {
        let full = path.hasPrefix("/") ? path : ((configuration.promptDirectory ?? ".") as NSString).appendingPathComponent(path)
        do {
            let audio = try WAVFile.read(path: full)
            return try Resampler.resample(audio.mono(), from: audio.sampleRate, to: sampleRate)
        } catch {
            logger.error("prompt audio unreadable", metadata: ["path": "\(path)", "error": "\(error)"])
            log(.note(kind: "error", detail: "prompt audio \(path) unreadable: \(error)"))
            return []
        }
    }

    /// 200 ms of 1 kHz at -12 dBFS.
    static func beep(sampleRate: Int) -> [Int16] {
        let count = sampleRate / 5
        return (0..<count).map { i in
            Int16(8000 * sin(2 * Double.pi * 1000 * Double(i) / Double(sampleRate)))
        }
    }

    /// Flushes all queued bot audio; prompts cut short still report `.playbackFinished`.
    func stopPlayback() async {
        media.outbound.clear()
        let cut = playing
        playing.removeAll()
        for item in cut {
            if case .prompt(let id) = item.kind { await feed(.playbackFinished(id)) }
        }
        if let pending = pendingReply {
            pendingReply = nil
            await feed(.modelReply(pending.reply))
        }
    }

    /// Reports prompts and replies whose last sample the media clock has pulled.
    func pollPlayback() async {
        for mark in media.outbound.takeReachedMarks() {
            guard let index = playing.firstIndex(where: { $0.mark == mark }) else { continue }
            let done = playing[...index]
            playing.removeFirst(index + 1)
            for item in done {
                if case .prompt(let id) = item.kind { await feed(.playbackFinished(id)) }
            }
            if let pending = pendingReply, pending.mark == mark {
                pendingReply = nil
                await feed(.modelReply(pending.reply))
            }
        }
    }

    /// A raw caller frame from a transport that delivers frames (not turns): the same per-frame pipeline the
    /// media clock runs on live calls, run here; its events are handled at once.
    func handleFrame(_ frame: PCMFrame) async {
        await pollPlayback()
        guard !isEnded else { return }
        var events: [MediaInEvent] = []
        let playing = media.outbound.isPlaying
        frame.samples.withUnsafeBufferPointer { samples in
            callerAudio.process(samples, timestampMs: frame.timestampMs, botPlaying: playing) { events.append($0) }
        }
        for event in events {
            guard !isEnded else { return }
            await receive(event)
        }
    }

    /// A caller turn cut by the media pipeline; the one still open at hang-up (`.flushed`) is only logged.
    func handleTurn(_ turn: TurnDetector.Turn) async {
        if turn.endedBy == .flushed {
            _ = logCallerTurn(turn)
            return
        }
        await callerTurnEnded(turn)
    }

    /// The pipeline heard the caller over bot audio that could be cut; ignored when nothing plays any more.
    func handleBargeIn(atMs: Int) async {
        guard !playing.isEmpty || modelTask != nil || media.outbound.isPlaying else { return }
        await bargeIn(atMs: atMs)
    }

    private func bargeIn(atMs: Int) async {
        bargeIns += 1
        log(.bargeIn)
        logger.debug("barge-in", metadata: ["at_ms": "\(atMs)"])
        let partial = cancelModel(reason: "barge-in")
        await stopPlayback()
        if let partial { await feed(.modelReply(partial)) }
    }

    private func callerTurnEnded(_ turn: TurnDetector.Turn) async {
        let index = logCallerTurn(turn)
        guard let listening, listening.speech else {
            log(.note(kind: "turn_ignored", detail: "caller spoke \(turn.durationMs) ms while not listening for speech"))
            return
        }
        transcribe(turn, index: index)
        callerTurns += 1
        lastTurn = turn
        lastTurnIndex = index
        say(.caller, "[speech \(turn.durationMs) ms]")
        await feed(.speechTurn(transcript: nil))
    }
}
