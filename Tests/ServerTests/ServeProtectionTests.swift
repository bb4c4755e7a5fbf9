// Issue 15, protection as `serve` reads it from the configuration: `sip.allow` (a stranger on another loopback
// address gets 403 and no call row, no model request), `sip.max_concurrent_calls` (503 past it),
// `sip.invites_per_second` (a flood from one address is limited), `sip.tcp` (sipp over TCP is answered), and
// every refusal counted on /metrics by reason. sipp plays the callers from chosen loopback addresses.
import Bridges
import Foundation
import GRDB
import Logging
import Server
import SwitchboardTestKit
import Testing

@Suite("serve: SIP protection and TCP from the configuration", .tags(.integration), .serialized, .requires(.sipp))
struct ServeProtectionTests {
    /// Runs sipp's built-in UAC (or `extra` options) from `source` to the server; returns status, output and the
    /// message trace.
    static func sipp(
        port: Int, from source: String, user: String, _ extra: [String], in folder: TempFolder, timeout: Int = 10,
        scenario: [String] = ["-sn", "uac"]
    ) async throws -> SIPpResult {
        let dir = folder.url.appendingPathComponent("sipp-\(user)-\(UUID().uuidString)")
        let arguments =
            ["127.0.0.1:\(port)"] + scenario + [
                "-s", user, "-i", source, "-p", "\(try UDPTestSocket.freePort())", "-trace_msg",
            ] + extra
        return try await SIPp.run(arguments, in: dir, timeout: timeout)
    }

    func check(_ service: SwitchboardService, folder: TempFolder, db: String) async throws {
        let port = service.sipPort
        #expect(service.sip.tcpChannel != nil, "sip.tcp: no TCP listener")

        // A stranger (127.0.0.5 is not in sip.allow): 403, and nothing of it reaches a flow or the model.
        let stranger = try await Self.sipp(
            port: port, from: "127.0.0.5", user: "stranger", ["-m", "1", "-recv_timeout", "2000"], in: folder, timeout: 4)
        #expect(stranger.status != 0)
        #expect(stranger.trace.contains("SIP/2.0 403"), "\(stranger.trace.prefix(1500))")

        // The allowed address gets its flow call (the positive control for the call-log checks below).
        let friend = try await Self.sipp(port: port, from: "127.0.0.1", user: "friend", ["-m", "1", "-d", "500"], in: folder)
        #expect(friend.status == 0, "\(friend.output.suffix(1500))")

        // Over TCP (sip.tcp), a call is answered on the same port.
        let tcp = try await Self.sipp(port: port, from: "127.0.0.1", user: "echo", ["-t", "t1", "-m", "1", "-d", "200"], in: folder)
        #expect(tcp.status == 0, "TCP: \(tcp.output.suffix(1500))")

        // Three calls held 2 s each with a cap of 2: the third gets 503.
        let capped = try await Self.sipp(
            port: port, from: "127.0.0.1", user: "echo", ["-m", "3", "-r", "50", "-l", "3", "-d", "2000"], in: folder)
        #expect(capped.trace.contains("SIP/2.0 503"), "\(capped.trace.suffix(1500))")

        // 60 INVITEs at 300/s from one address with 5/s (burst 6): most are refused with 503.
        let flood = try await Self.sipp(
            port: port, from: "127.0.0.1", user: "echo", ["-m", "60", "-r", "300", "-l", "60", "-d", "100", "-recv_timeout", "3000"],
            in: folder, timeout: 8)
        #expect(flood.status != 0)

        let stats = try await service.sip.bridge.currentStatistics().get()
        #expect(stats.refused["not_allowed"] ?? 0 >= 1, "\(stats.refused)")
        #expect(stats.refused["over_capacity"] ?? 0 >= 1, "\(stats.refused)")
        #expect(stats.refused["rate_limited"] ?? 0 >= 40, "\(stats.refused)")

        // /metrics counts the refusals by reason.
        let adminPort = try #require(await service.admin?.listeningPort())
        let metrics = try await AdminHTTPClient(port: adminPort).request("/metrics")
        for reason in ["not_allowed", "over_capacity", "rate_limited"] {
            let value = ServeMetricsTests.value("switchboard_sip_refused_total{reason=\"\(reason)\"}", in: metrics.body)
            #expect((value ?? 0) >= 1, "\(reason): \(metrics.body.split(separator: "\n").filter { $0.contains("refused") })")
        }

        // The call log: the friend's call is there, the stranger's is not, and no model request was made.
        try await ServeCrashTests.waitFor(db, "the friend's call logged") { db in
            try ServeCrashTests.count(db, "SELECT count(*) FROM calls WHERE callee = 'friend'") == 1
        }
        let (strangerRows, modelRequests) = try ServeCrashTests.read(db) { db in
            (
                try ServeCrashTests.count(db, "SELECT count(*) FROM calls WHERE callee = 'stranger'"),
                try ServeCrashTests.count(db, "SELECT count(*) FROM model_requests")
            )
        }
        #expect(strangerRows == 0)
        #expect(modelRequests == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func inboundINVITEsAnswerADigestChallengeWhenAuthUsersAreSet() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var configuration = try ServeMetricsTests.configuration(folder)
        configuration.sip.authUsers = ["alice": "SB_ALICE_PASSWORD"]
        var logger = Logger(label: "test.serve-auth")
        logger.logLevel = .error
        let service = try await SwitchboardService.start(
            configuration: configuration, environment: ["SB_ALICE_PASSWORD": "alice-secret"], logger: logger)
        let port = service.sipPort
        let scenario = ["-sf", FlowSIPp.scenario("uac_auth.xml")]
        let good = try await Self.sipp(
            port: port, from: "127.0.0.1", user: "authed", ["-m", "1", "-au", "alice", "-ap", "alice-secret"], in: folder,
            scenario: scenario)
        let wrong = try await Self.sipp(
            port: port, from: "127.0.0.1", user: "wrong", ["-m", "1", "-au", "alice", "-ap", "guess", "-recv_timeout", "2000"],
            in: folder, timeout: 4, scenario: scenario)
        let none = try await Self.sipp(port: port, from: "127.0.0.1", user: "anonymous", ["-m", "1", "-recv_timeout", "2000"], in: folder, timeout: 4)
        let stats = try await service.sip.bridge.currentStatistics().get()
        await service.stop()
        #expect(good.status == 0, "\(good.output.suffix(1500))\n\(good.trace.prefix(3000))")
        #expect(good.trace.contains("algorithm=SHA-256") && good.trace.contains("SIP/2.0 401"))
        #expect(wrong.status != 0 && wrong.trace.components(separatedBy: "SIP/2.0 401").count - 1 >= 2, "\(wrong.trace.suffix(1500))")
        #expect(none.status != 0 && none.trace.contains("SIP/2.0 401"))
        #expect(stats.refused["unauthenticated"] ?? 0 >= 1, "\(stats.refused)")
        // Only the authenticated call reached a flow.
        let rows = try ServeCrashTests.read(configuration.callLog.db) { db in
            try ServeCrashTests.count(db, "SELECT count(*) FROM calls WHERE callee IN ('authed', 'wrong', 'anonymous')")
        }
        let authed = try ServeCrashTests.read(configuration.callLog.db) { db in
            try ServeCrashTests.count(db, "SELECT count(*) FROM calls WHERE callee = 'authed'")
        }
        #expect(rows == 1 && authed == 1)
    }

    @Test func protectionKeysReachTheBridgeSettings() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let file = folder.path("protect.yaml")
        try """
            sip:
              allow: ["192.0.2.0/24", "2001:db8::/32"]
              refusal: silence
              invites_per_second: 2.5
              invite_burst: 4
              max_concurrent_calls: 50
              tcp: false
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let configuration = try SwitchboardConfiguration.load(file: file, environment: [:])
        #expect(configuration.sip.tcp == false)
        let protection = try configuration.sipProtection(trunkAddresses: ["198.51.100.7"])
        #expect(protection.refusal == .silence)
        #expect(protection.invitesPerSecond == 2.5 && protection.inviteBurst == 4)
        #expect(protection.maxConcurrentCalls == 50)
        let allowed = { (host: String) in protection.allow.contains { $0.contains(host) } }
        #expect(allowed("192.0.2.77") && allowed("2001:db8::1") && allowed("198.51.100.7"))
        // Given sip.allow replaces the loopback default.
        #expect(!allowed("127.0.0.1") && !allowed("203.0.113.1"))
        // Defaults: loopback only, 403, no limit, no cap.
        let defaults = try SwitchboardConfiguration().sipProtection()
        #expect(defaults.refusal == .forbidden && defaults.invitesPerSecond == nil && defaults.maxConcurrentCalls == nil)
        #expect(defaults.allow.contains { $0.contains("127.0.0.9") } && !defaults.allow.contains { $0.contains("192.0.2.1") })
        // A bad entry is a configuration error naming the key.
        var bad = SwitchboardConfiguration()
        bad.sip.allow = ["10.0.0.0/33"]
        #expect(throws: ConfigurationError.self) { try bad.sipProtection() }
    }
}
