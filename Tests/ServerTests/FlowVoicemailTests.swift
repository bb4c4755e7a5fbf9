// Voicemail on a live call (issue 14): a caller over real SIP/RTP waits for the beep, speaks an espeak-ng
// message in real time and presses # (SIP INFO). The `record` step must leave `<recordings_dir>/<call id>-1.wav`
// as long as what was sent (±300 ms), and the flow's webhook — a real local HTTP server — must receive that
// path and duration; the call log names the file too.
import Audio
import CallLog
import Foundation
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration))
struct FlowVoicemailTests {
    static func flow(webhookPort: Int) -> String {
        """
        name: voicemail
        tools:
          notify_voicemail:
            description: Tell the office that a new voicemail is waiting.
            webhook:
              url: http://127.0.0.1:\(webhookPort)/hooks/voicemail
              timeout_ms: 3000
            parameters:
              type: object
              properties:
                caller: {type: string}
                file: {type: string}
                duration_ms: {type: number}
              required: [caller, file]
        start: voicemail
        steps:
          voicemail:
            record:
              max_seconds: 30
              silence_timeout_ms: 10000
              terminator: "#"
              beep: true
            store: message
            next: notify
          notify:
            tool: notify_voicemail
            args:
              caller: "{{caller.number}}"
              file: "{{vars.message.file}}"
              duration_ms: "{{vars.message.duration_ms}}"
            store: notified
            next: thanks
            on_error: thanks
          thanks:
            hangup: voicemail left

        """
    }

    @Test(.timeLimit(.minutes(1)))
    func aVoicemailOverSIPLeavesTheMessageAndItsPathReachesTheWebhook() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let audioDir = try TemporaryDirectory(prefix: "voicemail")
        defer { audioDir.remove() }
        let message = try TestAudio.speech(
            "Hello, this is Ada. Please call me back about my account, thank you.", in: audioDir)
        let sentMs = message.count / 8
        let hook = try await OpenAITestServer.start()
        hook.enqueue(.json(#"{"ok":true}"#))
        let service = try await FlowCallTestService.start(
            flows: ["voicemail.yaml": Self.flow(webhookPort: hook.port)], in: folder
        ) {
            $0.tools.webhookAllow = ["127.0.0.1"]
            $0.tools.webhookAllowPrivate = true
        }
        var stopped = false
        do {
            let callID = "vm-\(UUID().uuidString)@127.0.0.1"
            let port = service.sipPort
            try await onThread { try Self.leaveMessage(message, callID: callID, serverPort: port) }
            let detail = try await service.endedCall(id: callID)
            await service.stop()
            try? await hook.shutdown()
            stopped = true

            let expected = URL(fileURLWithPath: folder.path("recordings")).standardizedFileURL
                .appendingPathComponent("\(callID)-1.wav").path
            let wav = try WAVFile.read(path: expected)
            #expect(wav.sampleRate == 8000)
            let recordedMs = wav.mono().count / 8
            #expect(abs(recordedMs - sentMs) <= 300, "recorded \(recordedMs) ms, sent \(sentMs) ms")
            // The message itself, not silence: its loudness is in the file.
            #expect(TestAudio.rms(wav.mono()) > 300)

            let requests = hook.requests
            try #require(requests.count == 1, "webhook requests: \(requests.count)")
            let body = try #require(
                try JSONSerialization.jsonObject(with: Data(requests[0].body)) as? [String: Any])
            let arguments = try #require(body["arguments"] as? [String: Any], "\(body)")
            #expect(arguments["file"] as? String == expected)
            let duration = try #require(arguments["duration_ms"] as? Double, "\(arguments)")
            #expect(abs(Int(duration) - recordedMs) <= 20)
            #expect(arguments["caller"] as? String == "+15550100001")

            #expect(detail.call.endReason == "completed")
            let text = CallLogText.detail(detail)
            #expect(text.contains(expected), "\(text)")
        } catch {
            if !stopped {
                await service.stop()
                try? await hook.shutdown()
            }
            throw error
        }
    }

    /// The caller's side, blocking (run on a thread of its own): call, wait for the beep, speak in real time
    /// (20 ms per packet), press # (SIP INFO), then answer whatever the server sends until it hangs up.
    static func leaveMessage(_ message: [Int16], callID: String, serverPort: Int) throws {
        let phone = try SIPTestPhone(serverPort: serverPort)
        let dialog = try phone.call(user: "voicemail", callID: callID, caller: "+15550100001")
        try waitForBeep(phone)
        let start = ContinuousClock.now
        var index = 0
        for offset in stride(from: 0, to: message.count - 159, by: 160) {
            let payload = message[offset..<(offset + 160)].map { G711.ulaw.encode($0) }
            phone.sendRTP(
                dialog, sequence: UInt16(index), timestamp: UInt32(offset), ssrc: 0x1234, payload: payload,
                marker: index == 0)
            index += 1
            let wait = (start + .milliseconds(20 * index)) - ContinuousClock.now
            if wait > .zero {
                Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
            }
        }
        phone.sendDigit("#", dialog, cseq: 10)
        phone.drain(for: .seconds(3))
    }

    /// Waits (at most 5 s) for the beep — loud packets — and for it to end (then the recording runs).
    static func waitForBeep(_ phone: SIPTestPhone) throws {
        let deadline = ContinuousClock.now + .seconds(5)
        var loud = 0
        var quietAfter = 0
        while ContinuousClock.now < deadline {
            guard let packet = phone.media.receive(), packet.count > 12 else { continue }
            let peak = packet[12...].map { abs(Int(G711.ulaw.decode($0))) }.max() ?? 0
            if peak > 2_000 {
                loud += 1
                quietAfter = 0
            } else if loud >= 5 {
                quietAfter += 1
                if quietAfter >= 3 { return }
            }
        }
        throw ServeTestError("no beep heard (\(loud) loud packets)")
    }
}

/// Runs blocking test code on a thread of its own, not on the cooperative pool (2 cores: a blocked pool thread
/// can starve the in-process server).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}
