// Issue 7's crash test against the real server: `switchboard serve` (the built executable) answers 5 calls that
// finish and 20 that stay live, is killed with SIGKILL, and is started again on the same call log. The database
// must be intact, the finished calls whole, and the 20 live ones closed as `interrupted` — checked over the admin
// HTTP API of the restarted server and with a direct SQLite read.
import Foundation
import GRDB
import Testing
import SwitchboardTestKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("serve: kill -9 during live calls", .tags(.integration), .serialized)
struct ServeCrashTests {
    static let holdFlow = """
        # One prompt, then a long wait for digits ending in #: the call stays live until the caller hangs up.
        name: hold
        version: "7"
        start: menu
        steps:
          menu:
            gather:
              dtmf: {max_digits: 64, terminator: "#", first_digit_timeout_ms: 120000, inter_digit_timeout_ms: 120000}
            prompt: "Please hold."
            on:
              "1": bye
              no_input: bye
              no_match: bye
          bye:
            hangup: done
            goodbye: "Goodbye."

        """

    /// A folder with the flow and a configuration for `serve` (admin API on an ephemeral port, no model key,
    /// an RTP port range of its own so parallel tests do not meet).
    static func prepare(_ folder: TempFolder) throws -> (config: String, db: String) {
        try FileManager.default.createDirectory(atPath: folder.path("flows"), withIntermediateDirectories: true)
        try holdFlow.write(toFile: folder.path("flows/hold.yaml"), atomically: true, encoding: .utf8)
        let low = try UDPTestSocket.freePortRange(count: 401).lowerBound
        // Only what differs from the defaults; tools keep theirs, relative to the working folder (the temp
        // folder: no accounts CSV there). `--sip`, `--db` and `--admin` come on the command line.
        let config = """
            sip:
              rtp_ports: "\(low)-\(low + 400)"
              codecs: [pcmu]
            flows:
              dir: "\(folder.path("flows"))"
              numbers: {"*": hold.yaml}

            """
        try config.write(toFile: folder.path("switchboard.yaml"), atomically: true, encoding: .utf8)
        return (folder.path("switchboard.yaml"), folder.path("calls.db"))
    }

    static func startServe(_ folder: TempFolder, config: String, db: String, log: String) async throws
        -> (ServeTestProcess, sipPort: Int, adminPort: Int)
    {
        let binary = try #require(CallLogCrashTests.switchboardBinary(), "build the switchboard executable first")
        let sipPort = try UDPTestSocket.freePort()
        let serve = try ServeTestProcess(
            binary: binary,
            arguments: [
                "serve", "--config", config, "--sip", "127.0.0.1:\(sipPort)", "--db", db, "--admin", "127.0.0.1:0",
                "--log-level", "warning",
            ],
            directory: folder.url, stderrPath: folder.path(log), limit: .seconds(60))
        do {
            let sipLine = try await serve.line(startingWith: "listening on sip:")
            #expect(ServeTestProcess.port(in: sipLine) == sipPort)
            let adminLine = try await serve.line(startingWith: "admin on http://")
            let adminPort = try #require(ServeTestProcess.port(in: adminLine))
            return (serve, sipPort, adminPort)
        } catch {
            serve.cleanup()
            throw error
        }
    }

    /// Runs `body` on a fresh read-only connection (the server keeps writing meanwhile).
    static func read<T>(_ db: String, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: db, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// Polls the call log until `done` holds (each poll on a fresh read-only connection).
    static func waitFor(_ db: String, timeout: Duration = .seconds(15), _ what: String, _ done: (Database) throws -> Bool)
        async throws
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: db), (try? read(db, done)) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServeTestError("timed out waiting for: \(what)")
    }

    static func count(_ db: Database, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
    }

    @Test(.timeLimit(.minutes(1)))
    func killNineDuringTwentyLiveCallsThenRestart() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (config, db) = try Self.prepare(folder)
        let (serve, sipPort, _) = try await Self.startServe(folder, config: config, db: db, log: "serve-1.log")
        defer { serve.cleanup() }
        let phone = try SIPTestPhone(serverPort: sipPort)

        // Five calls that finish: answered, the prompt played (a bot turn), then the caller hangs up.
        var finished: [SIPTestPhone.Dialog] = []
        for i in 0..<5 {
            finished.append(try phone.call(user: "hold", callID: "finished-\(i)-\(UUID().uuidString)", caller: "+1555010100\(i)"))
        }
        try await Self.waitFor(db, "a bot turn in each of the 5 first calls") { db in
            try Self.count(db, "SELECT count(DISTINCT call_id) FROM turns WHERE call_id LIKE 'finished-%'") == 5
        }
        for dialog in finished { try phone.hangUp(dialog) }
        try await Self.waitFor(db, "the 5 finished calls ended in the log") { db in
            try Self.count(db, "SELECT count(*) FROM calls WHERE id LIKE 'finished-%' AND ended_at IS NOT NULL") == 5
        }

        // Twenty calls that stay live, each answered with its prompt logged, then kill -9.
        var live: [SIPTestPhone.Dialog] = []
        for i in 0..<20 {
            live.append(try phone.call(user: "hold", callID: "live-\(i)-\(UUID().uuidString)", caller: "+15550200\(i + 10)"))
        }
        try await Self.waitFor(db, "20 live calls with their answer and prompt committed") { db in
            try Self.count(
                db,
                """
                SELECT count(*) FROM calls c WHERE c.id LIKE 'live-%' AND c.ended_at IS NULL
                  AND EXISTS (SELECT 1 FROM turns t WHERE t.call_id = c.id)
                  AND EXISTS (SELECT 1 FROM call_events e WHERE e.call_id = c.id AND e.kind = 'step_entered')
                """) == 20
        }
        // Keep the writer busy at the moment of the kill: every live call gets a digit (SIP INFO → a `dtmf` event)
        // every 40 ms (at most 60, the flow takes 64), and serve is killed while they still arrive.
        let sender = Task.detached { [phone, live] () -> Int in
            var rounds = 0
            while !Task.isCancelled && rounds < 60 {
                for dialog in live { phone.sendDigit("2", dialog, cseq: 10 + rounds) }
                rounds += 1
                try? await Task.sleep(for: .milliseconds(40))
            }
            return rounds
        }
        try await Self.waitFor(db, "the first digits committed") { db in
            try Self.count(db, "SELECT count(*) FROM call_events WHERE kind = 'dtmf'") > 0
        }
        try await Task.sleep(for: .milliseconds(60))
        #expect(serve.isRunning)
        await serve.killNine()
        sender.cancel()
        let rounds = await sender.value
        #expect(serve.terminationSignal == SIGKILL)
        #expect(rounds < 60, "the kill came after the last digit; it should hit the server mid-stream")

        // Restart on the same call log: recovery closes the live calls before SIP is bound.
        let (again, _, adminPort) = try await Self.startServe(folder, config: config, db: db, log: "serve-2.log")
        defer { again.cleanup() }
        let admin = AdminHTTPClient(port: adminPort)
        let ready = try await admin.request("/readyz")
        #expect(ready.status == 200)
        let listed = try await admin.request("/calls?outcome=interrupted&limit=100")
        #expect(listed.status == 200)
        let summaries = try JSONSerialization.jsonObject(with: Data(listed.body.utf8)) as? [[String: Any]] ?? []
        #expect(Set(summaries.compactMap { $0["id"] as? String }) == Set(live.map(\.callID)))
        let shown = try await admin.request("/calls/\(finished[0].callID)")
        #expect(shown.status == 200)
        #expect(shown.body.contains("caller_hangup"))
        #expect(try await admin.request("/calls/no-such-call").status == 404)
        #expect(try await admin.request("/healthz").status == 200)
        let reload = try await admin.request("/flows/reload", method: .POST)
        #expect(reload.status == 200)
        #expect(reload.body.contains("hold.yaml") || reload.body.contains("hold"), "\(reload.body)")
        let metrics = try await admin.request("/metrics")
        #expect(metrics.body.contains("switchboard_calllog_queue_depth 0"), "\(metrics.body)")
        #expect(await again.terminate(), "the restarted serve did not stop on SIGTERM: \(again.stderr.suffix(2000))")
        #expect(again.exitStatus == 0)

        // Direct SQLite read of the file both servers wrote.
        try Self.read(db) { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            #expect(try Self.count(db, "SELECT count(*) FROM calls") == 25)
            #expect(try Self.count(db, "SELECT count(*) FROM calls WHERE ended_at IS NULL") == 0)
            for dialog in finished {
                let call = try #require(try Row.fetchOne(db, sql: "SELECT * FROM calls WHERE id = ?", arguments: [dialog.callID]))
                #expect(call["end_reason"] as String? == "caller_hangup")
                #expect(call["flow"] as String? == "hold")
                #expect(call["flow_version"] as String? == "7")
                #expect(call["callee"] as String? == "hold")
                #expect((call["caller"] as String?)?.hasPrefix("+15550101") == true)
                #expect(call["answered_at"] as String? != nil)
                let turns = try Self.count(db, "SELECT count(*) FROM turns WHERE call_id = ?", [dialog.callID])
                #expect(turns >= 1)
                #expect(call["turns"] as Int? == turns)
                let kinds = try String.fetchAll(
                    db, sql: "SELECT kind FROM call_events WHERE call_id = ? ORDER BY seq", arguments: [dialog.callID])
                #expect(kinds.first == "answered")
                #expect(kinds.contains("step_entered"))
                #expect(kinds.last == "hangup")
                #expect(!kinds.contains("interrupted"))
            }
            var digits = 0
            for dialog in live {
                let call = try #require(try Row.fetchOne(db, sql: "SELECT * FROM calls WHERE id = ?", arguments: [dialog.callID]))
                #expect(call["end_reason"] as String? == "interrupted")
                let started: String = call["started_at"]
                let ended = try #require(call["ended_at"] as String?)
                #expect(ended >= started)
                let turns = try Self.count(db, "SELECT count(*) FROM turns WHERE call_id = ?", [dialog.callID])
                #expect(turns >= 1)
                #expect(call["turns"] as Int? == turns)
                let kinds = try String.fetchAll(
                    db, sql: "SELECT kind FROM call_events WHERE call_id = ? ORDER BY seq", arguments: [dialog.callID])
                #expect(kinds.first == "answered")
                #expect(kinds.last == "interrupted")
                #expect(kinds.filter { $0 == "interrupted" }.count == 1)
                // Digits committed before the kill are kept, never more than were sent; the call ends at its last
                // recorded activity.
                digits += kinds.filter { $0 == "dtmf" }.count
                #expect(kinds.filter { $0 == "dtmf" }.count <= rounds)
                let lastActivity = try String.fetchOne(
                    db, sql: "SELECT max(at) FROM call_events WHERE call_id = ? AND kind != 'interrupted'",
                    arguments: [dialog.callID])
                #expect(lastActivity.map { ended >= $0 } ?? false)
            }
            #expect(digits > 0, "digits committed before the kill")
        }
    }
}
