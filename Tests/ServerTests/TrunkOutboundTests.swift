// Issue 15, outbound calls: `switchboard call --to NUMBER --flow FLOW --trunk NAME` asks the running `serve`
// (POST /calls) to call through the Kamailio trunk (deploy/kamailio/trunk.cfg), which challenges the INVITE with
// 407 and sends it on to a sipp UAS standing in for the called party. Answered: the flow runs (its hangup's BYE
// reaches the UAS through Kamailio) and the call log shows an outbound call; a UAS answering 486 gives `busy`.
import Foundation
import NIOHTTP1
import SwitchboardTestKit
import Testing

@Suite("trunks: outbound calls through Kamailio", .serialized, .tags(.integration), .requires(.kamailio, .sipp))
struct TrunkOutboundTests {
    /// A sipp UAS on its own port: the built-in `uas` (answers, waits for BYE) or a scenario from deploy/sipp.
    static func startUAS(_ scenario: String?, port: Int, in folder: TempFolder) throws -> ServeTestProcess {
        var arguments = ["-i", "127.0.0.1", "-p", "\(port)", "-m", "1", "-nostdin", "-timeout", "20s", "-timeout_error", "-trace_err", "-trace_msg"]
        if let scenario {
            arguments += ["-sf", KamailioStack.repository.appendingPathComponent("deploy/sipp/\(scenario)").path]
        } else {
            arguments += ["-sn", "uas", "-mp", "\(try UDPTestSocket.freeMediaPort())"]
        }
        return try ServeTestProcess(
            binary: URL(fileURLWithPath: KamailioStack.sippPath), arguments: arguments, directory: folder.url,
            stderrPath: folder.path("uas-\(port).log"), limit: .seconds(30))
    }

    /// sipp's message traces in the folder (`-trace_msg`).
    static func messages(in folder: TempFolder) -> String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path(""))) ?? []
        return files.filter { $0.hasSuffix("_messages.log") }.compactMap { try? String(contentsOfFile: folder.path($0), encoding: .utf8) }
            .joined()
    }

    static func call(_ trunk: TrunkTestStack, to number: String) async throws -> (status: Int32?, stdout: String, stderr: String) {
        let binary = try #require(CallLogCrashTests.switchboardBinary())
        return try await ServeTestProcess.run(
            binary: binary,
            [
                "call", "--config", trunk.folder.path("serve.yaml"), "--to", number, "--flow", "hangup.yaml", "--trunk", "pbx",
                "--vars", "campaign=test", "--ring-timeout", "10", "--admin", "127.0.0.1:\(trunk.admin.port)",
            ], in: trunk.folder, limit: .seconds(30))
    }

    @Test(.timeLimit(.minutes(1)))
    func callThroughTheTrunkIsAnsweredRunsTheFlowAndIsLoggedOutbound() async throws {
        let uasPort = try UDPTestSocket.freePort()
        let trunk = try await TrunkTestStack.start(
            algorithm: "MD5", password: TrunkRegistrationTests.password, expires: 60, outboundTarget: uasPort)
        defer { trunk.stop() }
        try await trunk.waitForHealth { $0 == "ok\n" }
        let uas = try Self.startUAS(nil, port: uasPort, in: trunk.folder)
        defer { uas.cleanup() }
        try await Task.sleep(for: .milliseconds(300))

        let call = try await Self.call(trunk, to: "15550001")
        #expect(call.status == 0, "switchboard call: \(call.stdout)\(call.stderr)\nserve: \(trunk.serve.stderr.suffix(2000))")
        #expect(call.stdout.contains("answered"), "\(call.stdout)")
        // Kamailio asked for credentials (407) and let the authenticated INVITE through to the UAS.
        #expect(trunk.count("INVITE to 15550001 challenged") >= 1, "\(trunk.kamailioNotices)")
        #expect(trunk.count("INVITE to 15550001 authenticated") == 1, "\(trunk.kamailioNotices)")
        // The flow ran and hung up: the UAS got its BYE (through Kamailio) and completed its call.
        let uasDone = await uas.waitForExit(limit: .seconds(10))
        #expect(uasDone && uas.exitStatus == 0, "uas: \(Self.messages(in: trunk.folder).suffix(4000))")
        try await ServeCrashTests.waitFor(trunk.db, "the outbound call logged") { db in
            try ServeCrashTests.count(
                db,
                "SELECT count(*) FROM calls WHERE direction = 'outbound' AND callee = '15550001' AND flow LIKE 'hangup%' AND ended_at IS NOT NULL")
                == 1
        }
        #expect(await trunk.serve.terminate(grace: .seconds(10)))
    }

    @Test(.timeLimit(.minutes(1)))
    func aBusyCalledPartyGivesOutcomeBusy() async throws {
        let uasPort = try UDPTestSocket.freePort()
        let trunk = try await TrunkTestStack.start(
            algorithm: "MD5", password: TrunkRegistrationTests.password, expires: 60, outboundTarget: uasPort)
        defer { trunk.stop() }
        try await trunk.waitForHealth { $0 == "ok\n" }
        let uas = try Self.startUAS("uas_busy.xml", port: uasPort, in: trunk.folder)
        defer { uas.cleanup() }
        try await Task.sleep(for: .milliseconds(300))

        let call = try await Self.call(trunk, to: "15550002")
        #expect(call.status == 1, "switchboard call: \(call.stdout)\(call.stderr)")
        #expect(call.stdout.contains("busy (SIP 486)"), "\(call.stdout)")
        try await ServeCrashTests.waitFor(trunk.db, "the busy call logged") { db in
            try ServeCrashTests.count(
                db,
                "SELECT count(*) FROM calls WHERE direction = 'outbound' AND callee = '15550002' AND end_reason = 'busy' AND sip_status = 486")
                == 1
        }
        // POST /calls without a JSON body is refused with what to send.
        let post = try await trunk.admin.request("/calls", method: .POST)
        #expect(post.status == 400 && post.body.contains("NUMBER"), "\(post.body)")
        #expect(await trunk.serve.terminate(grace: .seconds(10)))
    }
}
