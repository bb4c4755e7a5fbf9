import Audio
import Bridges
import Foundation
import Testing
import SwitchboardTestKit

/// sipp (a foreign UA) changes the codec of a live echo call by re-INVITE: PCMU → PCMA
/// (deploy/sipp/uac_reinvite_codec.xml checks both 200s' SDP; the bridge must switch the media session).
@Suite("SIP re-INVITE codec change (sipp)", .tags(.integration), .serialized, .requires(.sipp))
struct SIPPReinviteCodecTests {
    @Test func sippSwitchesPCMUToPCMA() async throws {
        let server = try await TestServer.start()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-reinvite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let speech = try Speech.ulaw(text: "Switching codecs in the middle of the call.", in: dir)
        try Data(speech.prefix(8000)).write(to: dir.appendingPathComponent("audio.ulaw"))
        try Data(G711.alaw.encode(G711.ulaw.decode(speech.prefix(12000)))).write(to: dir.appendingPathComponent("audio.alaw"))
        let run = try await SIPp.run(
            [
                "-sf", SIPp.scenarioFolder.appendingPathComponent("uac_reinvite_codec.xml").path, "-m", "1",
                "127.0.0.1:\(server.sipPort)", "-s", "echo", "-i", "127.0.0.1", "-p", "\(try UDPTestSocket.freePort())",
                "-mi", "127.0.0.1", "-mp", "\(try UDPTestSocket.freeMediaPort())",
            ], in: dir, timeout: 20)
        let stats = try await server.statistics()
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(stats.codecChanges == 1, "\(stats)")
        #expect(stats.callsEnded == 1)
    }
}
