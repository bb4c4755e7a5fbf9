import Audio
import Flows
import Foundation

extension CallSession {
    /// Starts a `record` step: the media pipeline captures the caller's frames from now on and reports the
    /// end by silence or length (`.recordingEnded`); a terminator digit or the hang-up end it here.
    func startRecording(_ config: RecordConfig) {
        mediaControl.startRecording(config, startMs: clock.now.milliseconds)
    }

    func finishRecording(_ reason: Recording.EndReason) async {
        guard let state = mediaControl.takeRecording() else { return }
        let index = recordings.count + 1
        var reference = "memory:\(info.callID)/\(index)"
        if let directory = configuration.recordingDirectory {
            let path = Self.voicemailPath(directory: directory, callID: info.callID, index: index)
            do {
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
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

extension CallSession {
    /// `<directory>/<call id>-<n>.wav` as an absolute path (what the flow, the call log and webhooks get); in
    /// the call id anything but letters, digits, `.`, `_`, `-` and `@` becomes `_`.
    static func voicemailPath(directory: String, callID: String, index: Int) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")
        var safe = String(callID.prefix(200).map { allowed.contains($0) ? $0 : "_" })
        if safe.isEmpty || safe.allSatisfy({ $0 == "." }) { safe = "call" }
        let folder = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        return folder.appendingPathComponent("\(safe)-\(index).wav").path
    }
}
