// Issue 15, inbound protection: allow-list (CIDR), INVITE rate limit per source and the concurrent-call cap
// — pure decisions first, then sipp against the real server (senders bound to other loopback addresses).
import SwitchboardTestKit
import Bridges
import Foundation
import Testing

@testable import Bridges

@Suite("SIP protection (pure)")
struct SIPProtectionUnitTests {
    @Test func addressRanges() throws {
        let v4 = try #require(SIPAddressRange("10.1.0.0/16"))
        #expect(v4.contains("10.1.200.3"))
        #expect(!v4.contains("10.2.0.1"))
        #expect(!v4.contains("not-an-address"))
        #expect(v4.contains("::ffff:10.1.2.3"))
        let single = try #require(SIPAddressRange("127.0.0.1"))
        #expect(single.contains("127.0.0.1"))
        #expect(!single.contains("127.0.0.5"))
        let v6 = try #require(SIPAddressRange("2001:db8::/32"))
        #expect(v6.contains("2001:db8:1::7"))
        #expect(!v6.contains("2001:db9::1"))
        #expect(!v6.contains("10.1.2.3"))
        #expect(SIPAddressRange("10.0.0.0/33") == nil)
        #expect(SIPAddressRange("example.com") == nil)
        #expect(SIPAddressRange.loopback.contains { $0.contains("::1") })
        #expect(SIPAddressRange.loopback.contains { $0.contains("127.9.9.9") })
    }

    @Test func tokenBucketPerSource() {
        var protection = SIPProtection(configuration: SIPProtectionConfiguration(invitesPerSecond: 10, inviteBurst: 5))
        // 300 INVITEs within one second from one source: the burst plus ~10/s pass.
        var admitted = 0
        for i in 0..<300 where protection.admitInvite(from: "192.0.2.1", now: UInt64(i) * 3_333_333) { admitted += 1 }
        #expect(admitted >= 5 && admitted <= 16, "\(admitted)")
        // Another source has its own bucket.
        let otherSource = protection.admitInvite(from: "192.0.2.2", now: 1_000_000_000)
        #expect(otherSource)
        // After a quiet second the source gets INVITEs through again.
        let later = protection.admitInvite(from: "192.0.2.1", now: 2_100_000_000)
        #expect(later)
    }

    @Test func callCap() {
        let protection = SIPProtection(configuration: SIPProtectionConfiguration(maxConcurrentCalls: 50))
        #expect(protection.admitCall(active: 49))
        #expect(!protection.admitCall(active: 50))
        #expect(SIPProtection(configuration: SIPProtectionConfiguration()).admitCall(active: 10_000))
    }

    @Test func recentSetForgetsOldest() {
        var set = SIPRecentSet(capacity: 2)
        set.insert("a")
        set.insert("b")
        set.insert("c")
        #expect(!set.contains("a"))
        #expect(set.contains("b") && set.contains("c"))
    }
}

@Suite("SIP protection (sipp, real sockets)", .serialized, .requires(.sipp), .tags(.integration))
struct SIPProtectionLiveTests {
    static func sipp(_ server: SIPServer, from source: String, _ extra: [String], timeout: Int = 20) async throws
        -> (status: Int32, trace: String, output: String)
    {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-protect-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let run = try await SIPp.run(
            ["127.0.0.1:\(server.localAddress.port ?? 0)", "-s", "echo", "-i", source, "-p", "\(try UDPTestSocket.freePort())", "-trace_msg"] + extra,
            in: dir, timeout: timeout)
        return (run.status, run.trace, run.output)
    }

    static let onlyOne = [SIPAddressRange("127.0.0.1")!]

    @Test func strangerGets403AndNoCall() async throws {
        let routed = RouteCounter()
        let server = try await NetworkTestServer.start(host: "0.0.0.0") { bridge in
            bridge.protection = SIPProtectionConfiguration(allow: Self.onlyOne)
            let previous = bridge.route
            bridge.route = { info in
                routed.increment()
                return previous(info)
            }
        }
        let stranger = try await Self.sipp(server, from: "127.0.0.5", ["-sn", "uac", "-m", "1"], timeout: 5)
        let friend = try await Self.sipp(server, from: "127.0.0.1", ["-sn", "uac", "-m", "1"], timeout: 10)
        let stats = try await server.bridge.currentStatistics().get()
        await server.stop()
        #expect(stranger.status != 0)
        #expect(stranger.trace.contains("SIP/2.0 403"), "\(stranger.trace.prefix(1500))")
        #expect(friend.status == 0, "\(friend.output.suffix(1500))")
        #expect(stats.refused["not_allowed"] ?? 0 >= 1)
        #expect(stats.callsOffered == 1)
        #expect(routed.value == 1)
    }

    @Test func strangerGetsSilenceWhenConfigured() async throws {
        let server = try await NetworkTestServer.start(host: "0.0.0.0") { bridge in
            bridge.protection = SIPProtectionConfiguration(allow: Self.onlyOne, refusal: .silence)
        }
        let stranger = try await Self.sipp(server, from: "127.0.0.6", ["-sn", "uac", "-m", "1", "-recv_timeout", "2000"], timeout: 3)
        let stats = try await server.bridge.currentStatistics().get()
        await server.stop()
        #expect(stranger.status != 0)
        #expect(!stranger.trace.contains("received"), "\(stranger.trace.prefix(1500))")
        #expect(stats.refused["not_allowed"] ?? 0 >= 1)
        #expect(stats.callsOffered == 0)
    }

    @Test func inviteFloodFromOneAddressIsLimited() async throws {
        let server = try await NetworkTestServer.start(host: "127.0.0.1") { bridge in
            bridge.protection = SIPProtectionConfiguration(invitesPerSecond: 20, inviteBurst: 20)
        }
        let flood = try await Self.sipp(server, from: "127.0.0.1", ["-sn", "uac", "-m", "300", "-r", "300", "-l", "300"], timeout: 15)
        let stats = try await server.bridge.currentStatistics().get()
        // Another address is not held back by the flooder's bucket.
        let other = try await Self.sipp(server, from: "127.0.0.7", ["-sn", "uac", "-m", "1"], timeout: 10)
        await server.stop()
        #expect(flood.status != 0)
        let limited = stats.refused["rate_limited"] ?? 0
        #expect(limited >= 200, "refused \(stats.refused), answered \(stats.callsAnswered)")
        #expect(stats.callsAnswered <= 80, "answered \(stats.callsAnswered)")
        #expect(stats.callsAnswered >= 20)
        #expect(other.status == 0, "\(other.output.suffix(1500))")
    }

    @Test func fiftyFirstConcurrentCallGets503() async throws {
        let server = try await NetworkTestServer.start(host: "127.0.0.1") { bridge in
            bridge.protection = SIPProtectionConfiguration(maxConcurrentCalls: 50)
        }
        // 51 calls held 6 s each, placed within ~0.5 s: the 51st arrives while 50 are up.
        let run = try await Self.sipp(
            server, from: "127.0.0.1", ["-sn", "uac", "-m", "51", "-r", "100", "-l", "51", "-d", "6000"], timeout: 30)
        let stats = try await server.bridge.currentStatistics().get()
        await server.stop()
        #expect(run.status != 0)
        #expect(stats.refused["over_capacity"] == 1, "\(stats.refused)")
        #expect(stats.callsAnswered == 50)
        #expect(run.trace.components(separatedBy: "SIP/2.0 503").count - 1 >= 1)
    }
}

final class RouteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
