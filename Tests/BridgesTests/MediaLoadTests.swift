// The CI-sized version of deploy/bench-media.sh: 50 concurrent echo calls of 20 ms PCMU from sipp
// (deploy/sipp/bench-uac-rtp.xml, real espeak speech looped) against the in-process server of the debug build,
// with loose bounds — every call completes, nothing is lost that the counters do not show, and the shared
// media clock keeps its sends near schedule. The tight figures (CPU per call-second against sipp's own echo,
// pacing p99 of the returned packets, RSS) belong to the benchmark script, not to CI.
import Bridges
import Foundation
import SwitchboardTestKit
import Testing

@Suite("Media load (50 calls, sipp)", .serialized, .tags(.integration), .requires(.sipp))
struct MediaLoadTests {
    @Test(.tags(.integration), .timeLimit(.minutes(2)))
    func fiftyConcurrentEchoCallsKeepPacingAndLoseNothing() async throws {
        let calls = 50
        let holdMs = 6000
        let server = try await TestServer.start()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("media-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let speech = try Speech.ulaw(text: "Hello, I would like to check the balance of my account, please.", in: dir)
        // Speech then 1.5 s of µ-law silence, looped by sipp for the whole call.
        try Data(speech + [UInt8](repeating: 0xFF, count: 12_000)).write(to: dir.appendingPathComponent("audio.ulaw"))

        // All calls are up 0.5 s after the start (-r 100); measure the clock from then to before the first BYE.
        let window = Task {
            try await Task.sleep(for: .milliseconds(1500))
            _ = try await server.server.media.tickStatistics(reset: true).get()
            try await Task.sleep(for: .milliseconds(holdMs - 2500))
            return try await server.server.media.tickStatistics().get()
        }
        let run = try await SIPp.run(
            [
                "127.0.0.1:\(server.sipPort)", "-sf", SIPp.scenarioFolder.appendingPathComponent("bench-uac-rtp.xml").path,
                "-s", "echo", "-d", "\(holdMs)", "-m", "\(calls)", "-l", "\(calls)", "-r", "100",
                "-i", "127.0.0.1", "-p", "\(try UDPTestSocket.freePort())", "-mi", "127.0.0.1", "-mp", "\(try UDPTestSocket.freeMediaPort())",
            ], in: dir, timeout: 40)
        let pacing = try await window.value
        try await Task.sleep(for: .milliseconds(300))
        let sip = try await server.statistics()
        let media = server.server.media.statistics()
        let ports = try await server.server.media.eventLoop.submit { server.server.media.portsInUse }.get()
        await server.stop()

        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(sip.callsAnswered == UInt64(calls))
        #expect(sip.callsEnded == UInt64(calls))
        #expect(ports == 0)
        // While all 50 calls were live, each sent one packet per 20 ms tick: 50 × 50/s over the window (3.5 s).
        #expect(pacing.liveCalls == calls)
        #expect(pacing.packetsSent >= UInt64(calls * 50 * 3), "sent \(pacing.packetsSent)")
        // Loose pacing bounds for a debug build on a slow, shared 2-core CI machine (the release benchmark holds
        // the tight ones). A tick sends the 50 calls' packets one after another, so in a debug build the later
        // packets of a tick are a few ms "late" by construction (CI measured p50 5.8 ms): the bounds only catch
        // a clock that stalls or bunches — the median send within half a frame, the slowest 1 % within five frames.
        let p50 = pacing.sends.percentileMicroseconds(0.5)
        let p99 = pacing.sends.percentileMicroseconds(0.99)
        #expect(p50 <= 10_000, "send lateness p50 \(p50) µs")
        #expect(p99 <= 100_000, "send lateness p99 \(p99) µs, max \(pacing.sends.maxMicroseconds) µs")
        // Nothing lost on loopback, nothing dropped as malformed or from an unknown source; every call received
        // its stream (sipp sends 50 packets/s for 6 s per call).
        #expect(media.packetsLost == 0, "lost \(media.packetsLost)")
        #expect(media.malformed == 0 && media.unknownSource == 0 && media.foreignSSRC == 0)
        #expect(media.packetsReceived >= UInt64(calls * 50 * 5), "received \(media.packetsReceived)")
        #expect(media.sendFailures == 0)
    }
}
