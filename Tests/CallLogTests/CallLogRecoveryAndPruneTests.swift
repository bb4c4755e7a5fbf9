import Foundation
import GRDB
import Testing

@testable import CallLog
import SwitchboardCore

@Suite struct CallLogRecoveryAndPruneTests {
    @Test func openCallsAreClosedAsInterruptedOnOpen() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.path("log.db")
        let finished = ScriptedCall(start: Date(timeIntervalSince1970: 1_790_000_000))
        let live = ScriptedCall(start: Date(timeIntervalSince1970: 1_790_000_100))
        do {
            let writer = try CallLogWriter(path: path)
            writer.write(finished.body() + [finished.end()])
            writer.write(live.body())
            await writer.close()
        }
        let writer = try CallLogWriter(path: path)
        #expect(writer.recoveredCalls == 1)
        let store = writer.store
        let done = try #require(try await store.call(id: finished.id))
        #expect(done.call.endReason == "completed")
        #expect(done.events.allSatisfy { $0.kind != "interrupted" })
        let cut = try #require(try await store.call(id: live.id))
        #expect(cut.call.endReason == "interrupted")
        // Ended at its last recorded activity (the bot turn at +5 s), not at the restart time.
        #expect(cut.call.endedAt == live.start.addingTimeInterval(5))
        #expect(cut.call.totals.turns == 2)
        #expect(cut.events.last?.kind == "interrupted")
        #expect(cut.events.last?.seq == live.childRows + 1)
        // Records still arriving for the interrupted call continue its sequence.
        writer.write(.event(CallEvent(callID: live.id, at: Date(), kind: .error, data: ["late": true])))
        await writer.flush()
        let after = try #require(try await store.call(id: live.id))
        #expect(after.events.last?.seq == live.childRows + 2)
        await writer.close()
        #expect(try CallLogWriter(path: path).recoveredCalls == 0)
    }

    @Test func pruneDeletesOldFinishedCallsWithTheirRowsAndKeepsLiveOnes() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let writer = try CallLogWriter(path: folder.path("log.db"))
        let now = Date()
        let old = ScriptedCall(start: now.addingTimeInterval(-40 * 86_400))
        let oldLive = ScriptedCall(start: now.addingTimeInterval(-41 * 86_400))
        let recent = ScriptedCall(start: now.addingTimeInterval(-86_400))
        writer.write(old.body() + [old.end()])
        writer.write(oldLive.body())
        writer.write(recent.body() + [recent.end()])
        await writer.flush()
        let cutoff = try CallLogTimeSpec.instant("30d", now: now)
        let removed = try await writer.store.prune(olderThan: cutoff)
        #expect(removed == 1)
        #expect(try childRowCount(writer.database, old.id) == 0)
        #expect(try childRowCount(writer.database, oldLive.id) == oldLive.childRows)
        #expect(try childRowCount(writer.database, recent.id) == recent.childRows)
        let left = try await writer.store.listCalls().map(\.id)
        #expect(Set(left) == Set([oldLive.id, recent.id]))
        let integrity = try await writer.database.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
        #expect(integrity == "ok")
        await writer.close()
    }
}
