// One voice on a live call (issue 14): a flow with `defaults.tts: model` has its prompt spoken by an
// OpenAI-compatible `/v1/audio/speech` (a local test server answering with real audio made by sox: a 600 Hz
// tone, so the caller can tell it from espeak-ng), kept on disk in `tts.cache_dir`, so a restarted server's
// second call makes no speech request; with the endpoint down, espeak-ng speaks and the call log says why.
import Audio
import CallLog
import Foundation
import Server
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration))
struct FlowModelSpeechTests {
    static func flow(_ prompt: String) -> String {
        """
        name: model-voice
        defaults:
          tts: model
          voice: verse
          language: en
        start: hello
        steps:
          hello:
            say: "\(prompt)"
            next: bye
          bye:
            hangup: done

        """
    }

    /// What the caller heard: the call's PCMU audio for `listen`, then the BYE answered.
    static func listen(port: Int, user: String, listen: Duration = .milliseconds(2600)) throws -> [Int16] {
        let phone = try SIPTestPhone(serverPort: port)
        let dialog = try phone.call(user: user, callID: "tts-\(UUID().uuidString)@127.0.0.1", caller: "+15550100001")
        var heard: [Int16] = []
        let deadline = ContinuousClock.now + listen
        while ContinuousClock.now < deadline {
            guard let packet = phone.media.receive(), packet.count > 12, packet[1] & 0x7F == 0 else { continue }
            heard += packet[12...].map { G711.ulaw.decode($0) }
        }
        _ = dialog
        phone.drain(for: .milliseconds(700))
        return heard
    }

    /// Share of the heard audio's energy that is the 600 Hz tone (1 = all tone).
    static func toneShare(_ samples: [Int16]) -> Double {
        let loud = samples.filter { abs(Int($0)) > 50 }
        guard !loud.isEmpty else { return 0 }
        let total = TestAudio.rms(samples)
        return total > 0 ? TestAudio.toneRMS(samples, frequency: 600, sampleRate: 8000) / total : 0
    }

    @Test(.timeLimit(.minutes(1)))
    func promptsAreSpokenByTheSpeechEndpointCachedOnDiskAndEspeakStandsInWhenItIsDown() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let audioDir = try TemporaryDirectory(prefix: "tts")
        defer { audioDir.remove() }
        let tone = audioDir.file("tone.wav")
        try TestAudio.run("sox", ["-n", "-r", "24000", "-b", "16", "-c", "1", tone, "synth", "1.2", "sine", "600", "vol", "0.5"])
        let wav = try #require(FileManager.default.contents(atPath: tone))
        let server = try await OpenAITestServer.start()
        server.serveSpeech(wav: Array(wav))
        let cacheDir = folder.path("tts-cache")
        let flows = ["voice.yaml": Self.flow("Welcome to the model voice.")]
        func configure(_ baseURL: String) -> (inout SwitchboardConfiguration) -> Void {
            { configuration in
                configuration.tts.baseURL = baseURL
                configuration.tts.cacheDir = cacheDir
                configuration.tts.model = "tts-test-model"
                configuration.tts.timeoutMs = 2000
            }
        }

        // 1. The endpoint speaks the prompt; the request carries the text, the flow's voice and the model.
        var service = try await FlowCallTestService.start(flows: flows, in: folder, configure: configure(server.baseURL))
        let port1 = service.sipPort
        let first = try await onThread { try Self.listen(port: port1, user: "voice") }
        _ = try await service.endedCall()
        await service.stop()
        let requests = server.speechRequests
        try #require(requests.count == 1, "speech requests: \(requests.count)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(requests[0].body)) as? [String: Any])
        #expect(body["input"] as? String == "Welcome to the model voice.")
        #expect(body["voice"] as? String == "verse")
        #expect(body["model"] as? String == "tts-test-model")
        let share1 = Self.toneShare(first)
        #expect(share1 > 0.8, "tone share of the first call's audio: \(share1), \(first.count) samples")
        let cached = try FileManager.default.contentsOfDirectory(atPath: cacheDir).filter { $0.hasSuffix(".wav") }
        #expect(cached.count == 1, "\(cached)")

        // 2. A restarted server: the prompt comes from the disk cache, no speech request.
        service = try await FlowCallTestService.start(flows: flows, in: folder, configure: configure(server.baseURL))
        let port2 = service.sipPort
        let second = try await onThread { try Self.listen(port: port2, user: "voice") }
        _ = try await service.endedCall()
        await service.stop()
        #expect(server.speechRequests.count == 1, "a second call asked the endpoint again")
        let share2 = Self.toneShare(second)
        #expect(share2 > 0.8, "tone share of the second call's audio: \(share2)")

        // 3. The endpoint is down: a new prompt is spoken by espeak-ng (speech, not the tone), the reason logged.
        let downURL = server.baseURL
        try await server.shutdown()
        let other = try TempFolder()
        defer { other.remove() }
        service = try await FlowCallTestService.start(
            flows: ["voice.yaml": Self.flow("The speech server is down, espeak speaks.")], in: other,
            configure: configure(downURL))
        let port3 = service.sipPort
        let third = try await onThread { try Self.listen(port: port3, user: "voice") }
        let detail = try await service.endedCall()
        await service.stop()
        let share3 = Self.toneShare(third)
        #expect(TestAudio.rms(third) > 300, "espeak-ng said nothing: rms \(TestAudio.rms(third))")
        #expect(share3 < 0.3, "tone share with the endpoint down: \(share3)")
        let text = CallLogText.detail(detail)
        #expect(text.contains("tts_fallback"), "\(text)")
    }
}
