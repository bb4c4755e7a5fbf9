// kill -9 during live calls: a real `switchboard calls _crash-writer` child process writes 10 finished and
// 20 live calls, keeps appending to the live ones, and is SIGKILLed. Reopening must find an intact database,
// the finished calls whole, and the live ones closed as `interrupted`.
import CallLog
import Foundation
import GRDB
import Testing
import SwitchboardTestKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite(.tags(.integration)) struct CallLogCrashTests {
    /// The `switchboard` executable next to the test bundle (SwiftPM builds it with the tests), or
    /// $SWITCHBOARD_BIN.
    static func switchboardBinary() -> URL? {
        if let override = ProcessInfo.processInfo.environment["SWITCHBOARD_BIN"] { return URL(fileURLWithPath: override) }
        var folder = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        for _ in 0..<5 {
            folder.deleteLastPathComponent()
            let candidate = folder.appendingPathComponent("switchboard")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    @Test func killNineDuringTwentyLiveCalls() async throws {
        let binary = try #require(Self.switchboardBinary(), "build the switchboard executable (swift build) first")
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.path("crash.db")
        let child = Process()
        child.executableURL = binary
        child.arguments = ["calls", "_crash-writer", "--db", path, "--finished", "10", "--live", "20"]
        let output = Pipe()
        child.standardOutput = output
        let errorLog = folder.path("child-stderr.txt")
        _ = FileManager.default.createFile(atPath: errorLog, contents: nil)
        child.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorLog))
        try child.run()
        let pid = child.processIdentifier
        try #require(pid > 0)
        defer { if child.isRunning { kill(pid, SIGKILL) } }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            kill(pid, SIGKILL)  // never hang the suite on a stuck child
        }
        defer { watchdog.cancel() }

        // Wait for READY (everything before it is committed), let it append for a while, then kill -9.
        let ready = await Task.detached { () -> Bool in
            var seen = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return false }
                seen.append(chunk)
                if String(decoding: seen, as: UTF8.self).contains("READY") { return true }
            }
        }.value
        #expect(ready, "the child never reported READY")
        try await Task.sleep(for: .milliseconds(350))
        let childErrors = { (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "" }
        #expect(child.isRunning, "the child exited early: \(childErrors())")
        kill(pid, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)

        let writer = try CallLogWriter(path: path)
        #expect(writer.recoveredCalls == 20)
        let integrity = try await writer.database.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
        let store = writer.store
        let finished = try await store.listCalls(.init(outcome: "completed", limit: 100))
        #expect(finished.count == 10)
        for call in finished {
            let detail = try #require(try await store.call(id: call.id))
            #expect(detail.events.count == 10)
            #expect(detail.turns.count == 1)
            #expect(detail.call.totals.turns == 1)
        }
        let interrupted = try await store.listCalls(.init(outcome: "interrupted", limit: 100))
        #expect(Set(interrupted.map(\.id)) == Set((0..<20).map { "live-\($0)" }))
        var appended = 0
        for call in interrupted {
            let detail = try #require(try await store.call(id: call.id))
            #expect(detail.call.endedAt != nil)
            #expect(detail.events.last?.kind == "interrupted")
            appended += detail.events.count - 1
        }
        #expect(appended > 20, "some events written after READY should have been committed before the kill")
        #expect(try await store.listCalls(.init(outcome: "live")).isEmpty)
        await writer.close()
    }
}
