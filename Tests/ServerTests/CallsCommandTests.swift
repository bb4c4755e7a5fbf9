// `switchboard calls list/show/prune` as an operator runs them: the built executable on a real call-log file.
import CallLog
import Foundation
import Testing
import SwitchboardTestKit
import SwitchboardCore

@Suite("switchboard calls (CLI)", .tags(.integration))
struct CallsCommandTests {
    @Test(.timeLimit(.minutes(1)))
    func listShowAndPruneOlderThanThirtyDays() async throws {
        let binary = try #require(CallLogCrashTests.switchboardBinary(), "build the switchboard executable first")
        let folder = try TempFolder()
        defer { folder.remove() }
        let db = folder.path("calls.db")
        let now = Date()
        let writer = try CallLogWriter(path: db)
        for id in ["old-call-1", "old-call-2"] {
            for record in sampleCall(id, flow: "support", start: now.addingTimeInterval(-40 * 86_400)) { writer.write(record) }
        }
        // An old call with a caller-audio recording: pruning it removes the file too.
        let recording = folder.path("old-call-3.wav")
        try Data("RIFF".utf8).write(to: URL(fileURLWithPath: recording))
        for record in sampleCall("old-call-3", flow: "support", start: now.addingTimeInterval(-35 * 86_400)) {
            if case .started(var started) = record {
                started.recordCallerAudio = true
                started.recordingPath = recording
                writer.write(.started(started))
            } else {
                writer.write(record)
            }
        }
        for record in sampleCall("recent-call", flow: "appointments", start: now.addingTimeInterval(-3_600), reason: .transferred) {
            writer.write(record)
        }
        writer.write(.started(CallStarted(callID: "live-call", at: now, caller: "+15550000001", callee: "support", bridge: "sip", flow: "support")))
        await writer.close()

        func calls(_ arguments: [String]) async throws -> (status: Int32?, stdout: String, stderr: String) {
            try await ServeTestProcess.run(binary: binary, ["calls"] + arguments + ["--db", db], in: folder)
        }
        func ids(_ json: String) throws -> [String] {
            let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
            return list.compactMap { $0["id"] as? String }
        }

        let all = try await calls(["list", "--json"])
        #expect(all.status == 0, "\(all.stderr)")
        #expect(Set(try ids(all.stdout)) == ["old-call-1", "old-call-2", "old-call-3", "recent-call", "live-call"])
        let live = try await calls(["list", "--outcome", "live", "--json"])
        #expect(try ids(live.stdout) == ["live-call"])
        let recent = try await calls(["list", "--since", "2d", "--flow", "appointments", "--json"])
        #expect(try ids(recent.stdout) == ["recent-call"])
        let table = try await calls(["list"])
        #expect(table.status == 0)
        #expect(table.stdout.contains("recent-call") && table.stdout.contains("transferred"))

        let shown = try await calls(["show", "recent", "--json"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect((detail["turns"] as? [Any])?.count == 2)
        #expect((detail["toolCalls"] as? [Any])?.count == 1 || (detail["tool_calls"] as? [Any])?.count == 1)
        let text = try await calls(["show", "recent-call"])
        #expect(text.stdout.contains("lookup_account") && text.stdout.contains("hello"))
        let missing = try await calls(["show", "no-such-call"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no-such-call"))

        let pruned = try await calls(["prune", "--older-than", "30d"])
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains("pruned 3 calls"), "\(pruned.stdout)")
        #expect(pruned.stdout.contains("and 1 recording"), "\(pruned.stdout)")
        #expect(!FileManager.default.fileExists(atPath: recording))
        let left = try await calls(["list", "--json"])
        #expect(Set(try ids(left.stdout)) == ["recent-call", "live-call"])
        let bad = try await calls(["prune", "--older-than", "soon"])
        #expect(bad.status != 0)
    }
}
