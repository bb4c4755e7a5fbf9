import Foundation
import GRDB
import Testing

@testable import CallLog
import SwitchboardCore

@Suite struct CallLogMigrationTests {
    static let tables = ["calls", "call_events", "turns", "tool_calls", "model_requests"]

    @Test func migratesFromEmptyToLatestInWALMode() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let pool = try CallLogDatabase.open(path: folder.path("log.db"))
        try pool.read { db in
            for table in Self.tables { #expect(try db.tableExists(table), "missing table \(table)") }
            #expect(try CallLogSchema.migrator.hasCompletedMigrations(db))
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            let columns = try db.columns(in: "calls").map(\.name)
            for column in [
                "id", "started_at", "answered_at", "ended_at", "caller", "callee", "bridge", "flow", "flow_version",
                "end_reason", "final_route", "turns", "tool_calls", "model_requests", "cost_usd", "audio_in_ms",
                "audio_out_ms", "recording_path",
            ] {
                #expect(columns.contains(column), "calls.\(column) missing")
            }
        }
    }

    /// For every version: build a database at exactly that version holding a call, then open it with the
    /// current code: it migrates, keeps the call, and the writer can append to it.
    @Test(arguments: CallLogSchema.versions)
    func migratesFromEarlierVersion(_ version: String) async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.path("old.db")
        let id = CallStarted.newCallID()
        do {
            let queue = try DatabaseQueue(path: path)
            try CallLogSchema.migrator.migrate(queue, upTo: version)
            try await queue.write { db in
                try db.execute(
                    sql: "INSERT INTO calls (id, started_at, caller, flow) VALUES (?, '2026-01-02T03:04:05.000Z', '+1555', 'old')",
                    arguments: [id])
            }
            try queue.close()
        }
        let writer = try CallLogWriter(path: path)
        #expect(writer.recoveredCalls == 1)  // the old row had no ended_at
        let completed = try await writer.database.read { try CallLogSchema.migrator.completedMigrations($0) }
        #expect(completed == CallLogSchema.versions)
        let call = ScriptedCall()
        writer.write(call.body() + [call.end()])
        await writer.flush()
        let store = writer.store
        #expect(try await store.call(id: id)?.call.flow == "old")
        #expect(try await store.call(id: call.id)?.call.endReason == "completed")
        await writer.close()
    }

    @Test func refusesDatabaseFromNewerSchema() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.path("new.db")
        do {
            let pool = try CallLogDatabase.open(path: path)
            try pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-future')") }
            try pool.close()
        }
        #expect(callLogErrorCode { _ = try CallLogDatabase.open(path: path) } == .newerSchema)
    }

    @Test func readerRefusesMissingFile() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        #expect(callLogErrorCode { _ = try CallLogStore(path: folder.path("absent.db")) } == .notFound)
        #expect(!FileManager.default.fileExists(atPath: folder.path("absent.db")))
    }
}
