import Audio
import Flows
import Foundation

/// A `record` step in progress.
struct RecordingState {
    var config: RecordConfig
    var samples: [Int16] = []
    var startMs: Int
    var vad: VoiceActivityDetector
    var heardSpeech = false
    var lastSpeechEndMs: Int
}

extension CallSession {
    func startRecording(_ config: RecordConfig) {
        let now = clock.now.milliseconds
        recording = RecordingState(
            config: config, startMs: now,
            vad: VoiceActivityDetector(configuration: .init(endSilenceMs: max(100, config.silenceTimeoutMs))),
            lastSpeechEndMs: now
        )
    }

    func recordFrame(_ frame: PCMFrame) async {
        guard var state = recording else { return }
        state.samples.append(contentsOf: frame.samples)
        for event in state.vad.process(frame) {
            switch event {
            case .speechStart: state.heardSpeech = true
            case .speechEnd(let ms): state.lastSpeechEndMs = ms
            }
        }
        recording = state
        let end = frame.timestampMs + Int(frame.durationMs.rounded())
        if end - state.startMs >= state.config.maxSeconds * 1000 {
            await finishRecording(.maxLength)
        } else if !state.vad.inSpeech, end - state.lastSpeechEndMs >= state.config.silenceTimeoutMs,
            end - state.startMs >= state.config.silenceTimeoutMs
        {
            await finishRecording(.silence)
        }
    }

    func finishRecording(_ reason: Recording.EndReason) async {
        guard let state = recording else { return }
        recording = nil
        let index = recordings.count + 1
        var reference = "memory:\(info.callID)/\(index)"
        if let directory = configuration.recordingDirectory {
            let safeID = String(info.callID.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
            let path = (directory as NSString).appendingPathComponent("\(safeID)-\(index).wav")
            do {
                try WAVFile.write(WAVAudio(sampleRate: sampleRate, samples: state.samples), path: path)
                reference = path
            } catch {
                logger.error("recording not written", metadata: ["path": "\(path)", "error": "\(error)"])
                log(.note(kind: "error", detail: "recording not written: \(error)"))
            }
        }
        recordings.append(RecordedAudio(reference: reference, samples: state.samples, sampleRate: sampleRate))
        let durationMs = state.samples.count * 1000 / max(1, sampleRate)
        log(.note(kind: "recording", detail: "\(reference) \(durationMs) ms ended by \(reason.rawValue)"))
        await feed(.recordFinished(Recording(reference: reference, durationMs: durationMs, endedBy: reason)))
    }
}
