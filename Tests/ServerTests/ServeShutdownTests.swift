// Issue 3: "SIGTERM ends calls with BYE". The built `switchboard serve` holds three live calls; on SIGTERM it
// must send each caller a BYE, close the calls in the log (not as `interrupted`), and exit 0 by itself.
import Foundation
import GRDB
import Testing
import SwitchboardTestKit

@Suite("serve: SIGTERM ends live calls with BYE", .tags(.integration), .serialized)
struct ServeShutdownTests {
    @Test(.timeLimit(.minutes(1)))
    func sigtermSendsByeToEveryLiveCallAndExits() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (config, db) = try ServeCrashTests.prepare(folder)
        let (serve, sipPort, _) = try await ServeCrashTests.startServe(folder, config: config, db: db, log: "serve.log")
        defer { serve.cleanup() }
        let phone = try SIPTestPhone(serverPort: sipPort)
        var dialogs: [SIPTestPhone.Dialog] = []
        for i in 0..<3 {
            dialogs.append(try phone.call(user: "hold", callID: "term-\(i)-\(UUID().uuidString)", caller: "+1555030000\(i)"))
        }
        try await ServeCrashTests.waitFor(db, "3 live calls with their prompt") { db in
            try ServeCrashTests.count(db, "SELECT count(DISTINCT call_id) FROM turns WHERE call_id LIKE 'term-%'") == 3
        }

        // SIGTERM while the phone keeps reading (and answering) what the server sends.
        let exited = Task { await serve.terminate(grace: .seconds(15)) }
        phone.drain(for: .seconds(4))
        let exitedByItself = await exited.value
        #expect(exitedByItself, "serve did not exit on SIGTERM: \(serve.stderr.suffix(2000))")

        let byes = phone.requestsReceived.filter { $0.hasPrefix("BYE ") }
        for dialog in dialogs {
            #expect(
                byes.contains { SIPTestPhone.header("Call-ID", compact: "i", in: $0) == dialog.callID },
                "no BYE for \(dialog.callID); requests seen: \(phone.requestsReceived.map { $0.prefix(40) })")
        }

        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: db, configuration: configuration)
        let reasons = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT coalesce(end_reason, 'open') FROM calls WHERE id LIKE 'term-%'")
        }
        #expect(reasons.count == 3)
        #expect(reasons.allSatisfy { $0 != "open" && $0 != "interrupted" }, "end reasons: \(reasons)")
    }
}
