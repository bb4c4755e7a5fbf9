// Issue 15, addresses: bound to a wildcard, Switchboard advertises the configured public address (or the
// address each request arrived on) in Contact and SDP — never 0.0.0.0 — and RTP flows to it. "Public"
// addresses are other loopback addresses (127.0.0.2, 127.0.0.3): every packet stays on this machine.
import SwitchboardTestKit
import Bridges
import Foundation
import Testing

@Suite("SIP public address (sipp, wildcard bind)", .serialized, .requires(.sipp), .tags(.integration))
struct SIPPublicAddressTests {
    /// Runs one sipp RTP call to `target` (user echo) and returns the 200 OK sipp received plus media counters.
    static func call(_ server: SIPServer, target: String) async throws -> (status: Int32, ok: String, output: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-public-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(try Speech.ulaw(text: "Testing the public address.", in: dir)).write(to: dir.appendingPathComponent("audio.ulaw"))
        let port = server.localAddress.port ?? 0
        let run = try await SIPp.run(
            [
                "-sf", SIPp.scenarioFolder.appendingPathComponent("uac_rtp_call.xml").path, "-m", "1",
                "\(target):\(port)", "-s", "echo", "-i", "127.0.0.1", "-p", "\(try UDPTestSocket.freePort())",
                "-mi", "127.0.0.1", "-mp", "\(try UDPTestSocket.freeMediaPort())", "-trace_msg",
            ], in: dir)
        return (run.status, NetworkTestServer.inviteOK(in: run.trace) ?? "", run.output)
    }

    @Test func publicAddressInContactAndSDPAndRTPFlows() async throws {
        let server = try await NetworkTestServer.start(
            host: "0.0.0.0", advertised: SIPAdvertisedAddress(publicHost: "127.0.0.2"))
        let result = try await Self.call(server, target: "127.0.0.1")
        let media = server.media.statistics()
        await server.stop()
        #expect(result.status == 0, "\(result.output.suffix(1500))")
        let port = server.localAddress.port ?? 0
        #expect(result.ok.contains("Contact: <sip:switchboard@127.0.0.2:\(port)>"), "\(result.ok)")
        #expect(result.ok.contains("c=IN IP4 127.0.0.2"), "\(result.ok)")
        #expect(result.ok.contains("IN IP4 127.0.0.2\r\n") || result.ok.contains("IN IP4 127.0.0.2\n"), "o= line: \(result.ok)")
        #expect(!result.ok.contains("0.0.0.0"), "\(result.ok)")
        // sipp streamed to the advertised 127.0.0.2 and the echo came back.
        #expect(media.packetsReceived > 20, "\(media)")
        #expect(media.packetsSent > 20, "\(media)")
    }

    @Test func wildcardBindAdvertisesTheArrivalAddress() async throws {
        let server = try await NetworkTestServer.start(host: "0.0.0.0")
        let result = try await Self.call(server, target: "127.0.0.3")
        let media = server.media.statistics()
        await server.stop()
        #expect(result.status == 0, "\(result.output.suffix(1500))")
        let port = server.localAddress.port ?? 0
        #expect(result.ok.contains("Contact: <sip:switchboard@127.0.0.3:\(port)>"), "\(result.ok)")
        #expect(result.ok.contains("c=IN IP4 127.0.0.3"), "\(result.ok)")
        #expect(!result.ok.contains("0.0.0.0"), "\(result.ok)")
        #expect(media.packetsReceived > 20, "\(media)")
    }
}
