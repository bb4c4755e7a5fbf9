// Issue 15, SIP over TCP (RFC 3261 §18): a 3,000-byte INVITE from sipp over TCP is answered, 200 calls over
// TCP at 20/s all succeed, CRLF keep-alive pings get a pong; UDP keeps working beside TCP.
import SwitchboardTestKit
import Bridges
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("SIP over TCP (sipp, real sockets)", .serialized, .requires(.sipp), .tags(.integration))
struct SIPTCPTests {
    static func sipp(_ server: SIPServer, _ extra: [String], timeout: Int = 30) async throws -> (status: Int32, trace: String, output: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-tcp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let run = try await SIPp.run(
            ["127.0.0.1:\(server.localAddress.port ?? 0)", "-s", "echo", "-i", "127.0.0.1", "-p", "\(try UDPTestSocket.freePort())"] + extra,
            in: dir, timeout: timeout)
        return (run.status, run.trace, run.output)
    }

    @Test func largeInviteOverTCPIsAnswered() async throws {
        let server = try await NetworkTestServer.start(host: "127.0.0.1", tcp: true)
        let run = try await Self.sipp(
            server, ["-t", "t1", "-sf", SIPp.scenarioFolder.appendingPathComponent("uac_large_invite.xml").path, "-m", "1", "-trace_msg"])
        let stats = try await server.bridge.currentStatistics().get()
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(1500))")
        let invite = run.trace.components(separatedBy: "----------------------------------------------- ")
            .first { $0.contains("sent") && $0.contains("INVITE sip:") } ?? ""
        #expect(invite.utf8.count > 3000, "INVITE was \(invite.utf8.count) bytes")
        #expect(stats.callsAnswered == 1)
        #expect(stats.tcpConnections >= 1)
    }

    @Test func twoHundredCallsOverTCPAtTwentyPerSecond() async throws {
        let server = try await NetworkTestServer.start(host: "127.0.0.1", tcp: true)
        let run = try await Self.sipp(server, ["-t", "t1", "-sn", "uac", "-m", "200", "-r", "20", "-l", "200"], timeout: 60)
        let stats = try await server.bridge.currentStatistics().get()
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(stats.callsAnswered == 200)
        #expect(stats.callsEnded == 200)
    }

    @Test func udpStillWorksBesideTCP() async throws {
        let server = try await NetworkTestServer.start(host: "127.0.0.1", tcp: true)
        let run = try await Self.sipp(server, ["-sn", "uac", "-m", "3", "-r", "10"])
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(1500))")
    }

    @Test func crlfKeepAliveGetsPong() async throws {
        let server = try await NetworkTestServer.start(host: "127.0.0.1", tcp: true)
        let port = server.tcpChannel?.localAddress?.port ?? 0
        let pong = try await Task.detached { try Self.ping(port: port) }.value
        let stats = try await server.bridge.currentStatistics().get()
        await server.stop()
        #expect(pong == Array("\r\n".utf8))
        #expect(stats.keepAlives >= 1)
    }

    /// Connects to 127.0.0.1:`port`, sends "\r\n\r\n", returns what comes back within 2 s.
    static func ping(port: Int) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestError("socket") }
        defer { close(fd) }
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestError("connect") }
        _ = Array("\r\n\r\n".utf8).withUnsafeBytes { send(fd, $0.baseAddress, 4, 0) }
        var buffer = [UInt8](repeating: 0, count: 16)
        let n = recv(fd, &buffer, 16, 0)
        return n > 0 ? Array(buffer[0..<n]) : []
    }
}
