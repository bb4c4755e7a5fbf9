// The CI-sized listening-flow version of deploy/bench-media.sh (issue 13): 50 concurrent sipp calls of 20 ms
// PCMU (deploy/sipp/bench-uac-rtp.xml: espeak speech, silence, an in-band DTMF "1", silence, looped) to an
// in-process `serve` running deploy/bench/listen.yaml — a gather with speech and DTMF that never ends, so every
// frame takes the whole receive path (jitter buffer, decode, in-band DTMF, the media pipeline's VAD and turn
// detection on the media loop) and only turns and digits reach the call's session. Loose bounds: every call
// completes, each heard at least one caller turn and one digit (in the call log), nothing was lost or dropped,
// and the media clock kept its sends near schedule. The tight figures belong to the benchmark script.
import Audio
import CallLog
import Foundation
import Server
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration), .requires(.sipp))
struct MediaFlowLoadTests {
    static var repository: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }

    /// Speech, 1 s of µ-law silence, 150 ms of DTMF "1" (697 + 1209 Hz, about -9 dBm0 each), 1 s of silence.
    static func callerAudio(in folder: TempFolder) throws -> [UInt8] {
        let wav = folder.path("speech.wav")
        let raw = folder.path("speech.ulaw")
        _ = try TestAudio.run("espeak-ng", ["-w", wav, "Hello, I would like to check the balance of my account."])
        _ = try TestAudio.run("sox", [wav, "-t", "raw", "-e", "mu-law", "-b", "8", "-r", "8000", "-c", "1", raw])
        let speech = try #require(FileManager.default.contents(atPath: raw))
        let tone = (0..<1200).map { i -> Int16 in
            let t = Double(i) / 8000
            return Int16(8000 * sin(2 * .pi * 697 * t) + 8000 * sin(2 * .pi * 1209 * t))
        }
        let silence = [UInt8](repeating: 0xFF, count: 8000)
        return Array(speech) + silence + G711.ulaw.encode(tone) + silence
    }

    @Test(.timeLimit(.minutes(2)))
    func fiftyListeningFlowCallsHearTurnsAndDigitsAndLoseNothing() async throws {
        let calls = 50
        let holdMs = 8000
        let folder = try TempFolder()
        defer { folder.remove() }
        try Data(try Self.callerAudio(in: folder)).write(to: folder.url.appendingPathComponent("audio.ulaw"))
        let flows = folder.url.appendingPathComponent("flows")
        try FileManager.default.createDirectory(at: flows, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Self.repository.appendingPathComponent("deploy/bench/listen.yaml"),
            to: flows.appendingPathComponent("listen.yaml"))
        let configuration = try FlowCallTestService.configuration(
            flowsDir: flows.path, numbers: ["listen": "listen.yaml"], in: folder, rtpPorts: 2 * calls + 100)
        let service = try await SwitchboardService.start(
            configuration: configuration, environment: [:], logger: .init(label: "media-flow-load-test"))
        let media = service.sip.media

        // All calls are up 0.5 s after the start (-r 100); measure the clock from then to before the first BYE.
        let window = Task {
            try await Task.sleep(for: .milliseconds(1500))
            _ = try await media.tickStatistics(reset: true).get()
            try await Task.sleep(for: .milliseconds(holdMs - 2500))
            return try await media.tickStatistics().get()
        }
        let sipPort = try UDPTestSocket.freePort()
        let mediaPort = try UDPTestSocket.freeMediaPort()
        let run = try await SIPp.run(
            [
                "127.0.0.1:\(service.sipPort)", "-sf", SIPp.scenario("bench-uac-rtp.xml"), "-s", "listen",
                "-d", "\(holdMs)", "-m", "\(calls)", "-l", "\(calls)", "-r", "100", "-i", "127.0.0.1",
                "-p", "\(sipPort)", "-mi", "127.0.0.1", "-mp", "\(mediaPort)",
            ], in: folder.url, timeout: 40)
        let pacing = try await window.value
        try await Task.sleep(for: .milliseconds(500))
        let stats = media.statistics()
        let store = try CallLogStore(path: configuration.callLog.db)
        var details: [CallDetail] = []
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let ended = try await store.listCalls().filter { $0.endedAt != nil }
            if ended.count >= calls {
                for call in ended { if let detail = try await store.call(id: call.id) { details.append(detail) } }
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        await service.stop()

        #expect(run.status == 0, "\(run.output.suffix(3000))")
        #expect(details.count == calls, "\(details.count) calls ended in the call log")
        // Each call heard the caller: at least one speech turn and the in-band "1" (the loop is ~5.5 s long).
        let withTurn = details.filter { $0.turns.contains { $0.role == "caller" } }.count
        let withDigit = details.filter { $0.events.contains { $0.kind == "dtmf" } }.count
        #expect(withTurn == calls, "\(withTurn) of \(calls) calls had a caller turn")
        #expect(withDigit == calls, "\(withDigit) of \(calls) calls had a digit")
        // While all 50 calls were live, each sent one packet per 20 ms tick.
        #expect(pacing.liveCalls == calls)
        let p50 = pacing.sends.percentileMicroseconds(0.5)
        let p99 = pacing.sends.percentileMicroseconds(0.99)
        let clock = "\(pacing.packetsSent) sends, \(pacing.resyncs) resyncs, work \(pacing.totalWorkMicroseconds) µs"
        #expect(pacing.packetsSent >= UInt64(calls * 50 * 3), "\(clock)")
        // Loose bounds (debug build, slow CI machine; see MediaLoadTests): a stalled or bunching clock fails.
        #expect(p50 <= 10_000, "send lateness p50 \(p50) µs; \(clock)")
        #expect(p99 <= 100_000, "send lateness p99 \(p99) µs, max \(pacing.sends.maxMicroseconds) µs; \(clock)")
        // Nothing lost on loopback, no frame dropped by a jitter buffer, no event dropped on its way to a session.
        #expect(stats.packetsLost == 0, "lost \(stats.packetsLost)")
        #expect(stats.framesDropped == 0, "dropped \(stats.framesDropped)")
        #expect(stats.handlerDrops == 0, "handler drops \(stats.handlerDrops)")
        #expect(stats.packetsReceived >= UInt64(calls * 50 * 6), "received \(stats.packetsReceived)")
        #expect(stats.sendFailures == 0)
    }
}
