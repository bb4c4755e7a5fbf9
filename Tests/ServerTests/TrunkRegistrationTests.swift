// Issue 15, trunks: Kamailio (Debian's 5.6) on loopback runs deploy/kamailio/trunk.cfg — a registrar with digest
// authentication (plaintext test credentials, in-memory usrloc). A built `switchboard serve` with `trunks:` in its
// configuration registers (SHA-256 and MD5 digest), refreshes before expiry, takes a call that Kamailio routes to
// its registered Contact (usrloc lookup) into the trunk's flow, and unregisters on SIGTERM; with a wrong password
// it logs what to check, backs off between attempts and /healthz says `degraded`.
import Foundation
import SwitchboardTestKit
import Testing

@Suite("trunks: REGISTER with Kamailio", .serialized, .tags(.integration), .requires(.kamailio, .sipp))
struct TrunkRegistrationTests {
    static let password = "trunk-test-password"

    @Test(.timeLimit(.minutes(1)))
    func registersRefreshesRoutesACallAndUnregistersOnSIGTERM() async throws {
        let trunk = try await TrunkTestStack.start(algorithm: "SHA-256", password: Self.password, expires: 3)
        defer { trunk.stop() }

        // Registered (SHA-256 digest): /healthz is ok and /metrics says so.
        try await trunk.waitForHealth { $0 == "ok\n" }
        let firstSave = try await trunk.waitForKamailio { $0.contains("REGISTER saved for switchboard expires=3") }
        #expect(!firstSave.isEmpty)
        let metrics = try await trunk.admin.request("/metrics").body
        #expect(ServeMetricsTests.value("switchboard_trunk_registered{trunk=\"pbx\"}", in: metrics) == 1, "\(metrics)")

        // Refreshed before the 3 s expiry: more saves within 3.5 s, and still registered.
        let savesBefore = trunk.count("REGISTER saved for switchboard expires=3")
        try await Task.sleep(for: .milliseconds(3500))
        let savesAfter = trunk.count("REGISTER saved for switchboard expires=3")
        #expect(savesAfter >= savesBefore + 2, "saves: \(savesBefore) → \(savesAfter)")
        #expect(try await trunk.admin.request("/healthz").body == "ok\n")

        // A call to the AOR, routed by Kamailio's usrloc to our Contact, reaches the trunk's flow.
        let call = try await trunk.stack.sipp("uac_proxy_wait_bye.xml", user: "switchboard", calls: 1, rate: 1, limit: 1)
        #expect(call.status == 0 && call.successful == 1, "call: \(call.summary)")
        #expect(trunk.count("INVITE for registered switchboard") == 1)
        try await ServeCrashTests.waitFor(trunk.db, "the trunk's call logged with its flow") { db in
            try ServeCrashTests.count(db, "SELECT count(*) FROM calls WHERE callee = 'switchboard' AND flow LIKE 'hangup%'") == 1
        }

        // SIGTERM: the trunk is unregistered (expires 0) before serve exits; calls to the AOR then find nobody.
        #expect(await trunk.serve.terminate(grace: .seconds(10)), "serve did not exit: \(trunk.serve.stderr.suffix(2000))")
        #expect(trunk.count("REGISTER saved for switchboard expires=0") == 1, "\(trunk.kamailioNotices)")
        let after = try await trunk.stack.sipp("uac_proxy_wait_bye.xml", user: "switchboard", calls: 1, rate: 1, limit: 1)
        #expect(after.successful == 0)
        #expect(trunk.count("INVITE for switchboard: not registered") >= 1, "\(trunk.kamailioNotices)")
    }

    @Test(.timeLimit(.minutes(1)))
    func registersWithMD5Digest() async throws {
        let trunk = try await TrunkTestStack.start(algorithm: "MD5", password: Self.password, expires: 60)
        defer { trunk.stop() }
        try await trunk.waitForHealth { $0 == "ok\n" }
        #expect(trunk.count("REGISTER saved for switchboard expires=60") == 1)
        #expect(await trunk.serve.terminate(grace: .seconds(10)))
        #expect(trunk.count("REGISTER saved for switchboard expires=0") == 1, "\(trunk.kamailioNotices)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aWrongPasswordGivesAClearErrorABackOffAndDegradedHealth() async throws {
        let trunk = try await TrunkTestStack.start(
            algorithm: "MD5", password: Self.password, expires: 60, servePassword: "not-the-password")
        defer { trunk.stop() }

        // The error says what was refused and what to check (never the password itself).
        let clock = ContinuousClock()
        let first = try await trunk.waitForServe { $0.contains("trunk registration failed") }
        let firstAt = clock.now
        #expect(first.contains("the registrar refused our credentials (401 after digest): check auth_user and the password in $SB_TRUNK_PASSWORD"), "\(first)")
        #expect(!trunk.serve.stderr.contains("not-the-password"))
        let health = try await trunk.waitForHealth { $0.hasPrefix("degraded") }
        #expect(health.contains("trunk pbx: failed (401)"), "\(health)")
        #expect((try await trunk.admin.request("/healthz")).status == 200)

        // Back-off with jitter: the second attempt comes 1–2 s later (initial 2 s, upper half), not at once.
        _ = try await trunk.waitForServe(timeout: .seconds(6)) { $0.contains("trunk registration failed") && $0.contains("failures=2") }
        let gap = clock.now - firstAt
        #expect(gap >= .milliseconds(900) && gap <= .seconds(4), "second failure after \(gap)")
        // Each attempt is one REGISTER and its digest retries (no tight loop).
        #expect(trunk.count("REGISTER from") <= 8, "\(trunk.kamailioNotices)")
        let metrics = try await trunk.admin.request("/metrics").body
        #expect(ServeMetricsTests.value("switchboard_trunk_registered{trunk=\"pbx\"}", in: metrics) == 0)
        #expect((ServeMetricsTests.value("switchboard_trunk_registrations_total{trunk=\"pbx\",result=\"failed\"}", in: metrics) ?? 0) >= 2, "\(metrics)")
        #expect(await trunk.serve.terminate(grace: .seconds(10)))
    }
}

/// Kamailio as the trunk (deploy/kamailio/trunk.cfg) and a `serve` with one trunk `pbx` registering to it.
struct TrunkTestStack {
    let stack: KamailioStack
    let serve: ServeTestProcess
    let admin: AdminHTTPClient
    let db: String

    var folder: TempFolder { stack.folder }

    static func start(
        algorithm: String, password: String, expires: Int, servePassword: String? = nil, outboundTarget: Int? = nil,
        extraConfig: String = ""
    ) async throws -> TrunkTestStack {
        let binary = try #require(CallLogCrashTests.switchboardBinary(), "build the switchboard executable first")
        let folder = try TempFolder()
        do {
            try FileManager.default.createDirectory(atPath: folder.path("flows"), withIntermediateDirectories: true)
            try KamailioStack.hangupFlow.write(toFile: folder.path("flows/hangup.yaml"), atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: folder.path("run"), withIntermediateDirectories: true)
            let proxyPort = try UDPTestSocket.freePort()
            let kamailio = try KamailioProcess(
                arguments: [
                    "-f", KamailioStack.repository.appendingPathComponent("deploy/kamailio/trunk.cfg").path, "-DD", "-E",
                    "-Y", folder.path("run"), "-P", folder.path("run/kamailio.pid"), "-m", "32",
                    "-A", "LISTEN=udp:127.0.0.1:\(proxyPort)", "-A", "AUTH_PASSWORD=\"\(password)\"",
                    "-A", "ALGORITHM=\"\(algorithm)\"", "-A", "OUTBOUND_TARGET=\"sip:127.0.0.1:\(outboundTarget ?? 9)\"",
                ],
                stderrPath: folder.path("kamailio.log"), limit: .seconds(58))
            let stack = KamailioStack(folder: folder, kamailio: kamailio, proxyPort: proxyPort, nodes: [], nodePorts: [])
            _ = try await stack.waitForKamailio(timeout: .seconds(10)) { $0.contains("main(): processes") }

            let low = try UDPTestSocket.freePortRange(count: 201).lowerBound
            let config = """
                sip:
                  rtp_ports: "\(low)-\(low + 200)"
                  codecs: [pcmu]
                flows:
                  dir: "\(folder.path("flows"))"
                  numbers: {"*": hangup.yaml}
                trunks:
                  - name: pbx
                    registrar: "sip:127.0.0.1:\(proxyPort)"
                    aor: "sip:switchboard@switchboard.test"
                    auth_user: switchboard
                    password_env: SB_TRUNK_PASSWORD
                    expires: \(expires)
                    flow: hangup.yaml
                \(extraConfig)
                """
            try config.write(toFile: folder.path("serve.yaml"), atomically: true, encoding: .utf8)
            var environment = ServeTestProcess.cleanEnvironment()
            environment["SB_TRUNK_PASSWORD"] = servePassword ?? password
            let db = folder.path("calls.db")
            let serve = try ServeTestProcess(
                binary: binary,
                arguments: [
                    "serve", "--config", folder.path("serve.yaml"), "--sip", "127.0.0.1:\(try UDPTestSocket.freePort())",
                    "--db", db, "--admin", "127.0.0.1:0", "--log-level", "info",
                ],
                directory: folder.url, stderrPath: folder.path("serve.log"), limit: .seconds(58), environment: environment)
            _ = try await serve.line(startingWith: "listening on sip:")
            let adminLine = try await serve.line(startingWith: "admin on http://")
            let adminPort = try #require(ServeTestProcess.port(in: adminLine))
            return TrunkTestStack(stack: stack, serve: serve, admin: AdminHTTPClient(port: adminPort), db: db)
        } catch {
            folder.remove()
            throw error
        }
    }

    func stop() {
        serve.cleanup()
        stack.stop()
    }

    /// Kamailio's log lines containing `text`.
    func count(_ text: String) -> Int {
        stack.kamailio.stderr.split(separator: "\n").filter { $0.contains(text) }.count
    }

    var kamailioNotices: String {
        stack.kamailio.stderr.split(separator: "\n").filter { $0.contains("NOTICE") }.suffix(30).joined(separator: "\n")
    }

    func waitForKamailio(timeout: Duration = .seconds(10), _ match: (Substring) -> Bool) async throws -> String {
        try await stack.waitForKamailio(timeout: timeout, match)
    }

    /// The first line of serve's log that satisfies `match`.
    func waitForServe(timeout: Duration = .seconds(10), _ match: (Substring) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = serve.stderr.split(separator: "\n").first(where: match) { return String(line) }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeTestError("no such serve log line within \(timeout):\n\(serve.stderr.suffix(3000))")
    }

    /// Polls /healthz until its body satisfies `match`; returns the body.
    @discardableResult
    func waitForHealth(timeout: Duration = .seconds(10), _ match: (String) -> Bool) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while ContinuousClock.now < deadline {
            last = (try? await admin.request("/healthz").body) ?? ""
            if match(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServeTestError("/healthz stayed `\(last)`; serve:\n\(serve.stderr.suffix(2000))\nkamailio:\n\(kamailioNotices)")
    }
}
