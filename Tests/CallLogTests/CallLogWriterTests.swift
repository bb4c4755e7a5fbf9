import Foundation
import GRDB
import Testing

@testable import CallLog
import SwitchboardCore

@Suite struct CallLogWriterTests {
    @Test func rowsVisibleAfterFlushWithSeqTotalsAndCost() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let writer = try CallLogWriter(path: folder.path("log.db"))
        let call = ScriptedCall(events: 4)
        writer.write(call.body() + [call.end()])
        await writer.flush()
        #expect(try childRowCount(writer.database, call.id) == call.childRows)
        let detail = try #require(try await writer.store.call(id: call.id))
        #expect(detail.call.endReason == "completed")
        #expect(detail.call.finalRoute == "billing")
        #expect(detail.call.answeredAt != nil)
        #expect(detail.call.totals.turns == 2)
        #expect(detail.call.totals.toolCalls == 1)
        #expect(detail.call.totals.modelRequests == 1)
        #expect(detail.call.totals.audioInMs == 1800)
        #expect(detail.call.totals.audioOutMs == 2400)
        #expect(abs(detail.call.totals.costUSD - ScriptedCall.expectedCost) < 1e-12)
        #expect(detail.call.durationMs == 9000)
        // One sequence shared by all child tables, in write order, without gaps.
        let seqs = (detail.events.map(\.seq) + detail.turns.map(\.seq) + detail.toolCalls.map(\.seq)
            + detail.modelRequests.map(\.seq)).sorted()
        #expect(seqs == Array(1...call.childRows))
        #expect(detail.events.map(\.kind) == ["answered"] + Array(repeating: "dtmf", count: 4))
        #expect(detail.latency.turnLatency?.p50Ms == 640)
        #expect(detail.latency.modelTTFA?.maxMs == 520)
        // The rows hold the records as written (a tool call's id and attempts too, since v3).
        let tool = try #require(detail.toolCalls.first)
        #expect(tool.callID == call.id && tool.tool == "lookup_account" && tool.arguments == ["account": "42"])
        #expect(tool.toolCallID == "call_lookup_1" && tool.attempts == 2)
        #expect(detail.modelRequests.first?.ttfaMs == 520)
        // JSON (`calls show --json`, `GET /calls/{id}`) is flat and reads back the same.
        let data = try CallLogStore.jsonEncoder().encode(detail.toolCalls)
        #expect(try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]]).first?["seq"] as? Int == tool.seq)
        #expect(try CallLogStore.jsonDecoder().decode([ToolCallRow].self, from: data) == detail.toolCalls)
        let requests = try CallLogStore.jsonEncoder().encode(detail.modelRequests)
        #expect(try CallLogStore.jsonDecoder().decode([ModelRequestRow].self, from: requests) == detail.modelRequests)
        await writer.close()
    }

    @Test func flushesWhenBatchSizeIsReachedNotBefore() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let configuration = CallLogWriter.Configuration(flushInterval: .seconds(30), batchSize: 50)
        let writer = try CallLogWriter(path: folder.path("log.db"), configuration: configuration)
        let id = CallStarted.newCallID()
        writer.write(.started(CallStarted(callID: id, at: Date(), caller: "a", callee: "b", bridge: "sip", flow: "f")))
        for index in 0..<48 {
            writer.write(.event(CallEvent(callID: id, at: Date(), kind: .dtmf, data: ["i": .number(Double(index))])))
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(try count(writer.database, "SELECT count(*) FROM calls") == 0, "49 records must stay queued")
        #expect(writer.queueDepth == 49)
        writer.write(.event(CallEvent(callID: id, at: Date(), kind: .dtmf)))
        #expect(try await eventually { try count(writer.database, "SELECT count(*) FROM call_events") == 49 })
        #expect(writer.queueDepth == 0)
        #expect(writer.statistics.batches == 1)
        await writer.close()
    }

    @Test func flushesAfterIntervalWithoutExplicitFlush() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let writer = try CallLogWriter(path: folder.path("log.db"))  // 100 ms / 500 rows
        let call = ScriptedCall()
        let start = ContinuousClock.now
        writer.write(call.body())
        #expect(try await eventually { try childRowCount(writer.database, call.id) == call.childRows - 0 })
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(80), "committed before the batching interval: \(waited)")
        #expect(waited < .seconds(5))
        await writer.close()
    }

    /// Calls span several small batches while a reader polls: any call the reader sees as ended has all its
    /// rows (the end record is written after the rest, and every batch is one transaction).
    @Test func aReaderNeverSeesAnEndedCallWithMissingRows() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let configuration = CallLogWriter.Configuration(flushInterval: .milliseconds(2), batchSize: 7)
        let writer = try CallLogWriter(path: folder.path("log.db"), configuration: configuration)
        let calls = (0..<60).map { _ in ScriptedCall(events: 10) }
        let expected = calls[0].childRows
        let database = writer.database
        let reader = Task.detached { () throws -> (checks: Int, bad: Int) in
            var checks = 0
            var bad = 0
            while !Task.isCancelled {
                let rows = try database.read { db in
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT c.id, (SELECT count(*) FROM call_events WHERE call_id = c.id)
                                + (SELECT count(*) FROM turns WHERE call_id = c.id)
                                + (SELECT count(*) FROM tool_calls WHERE call_id = c.id)
                                + (SELECT count(*) FROM model_requests WHERE call_id = c.id) AS n
                            FROM calls c WHERE c.ended_at IS NOT NULL
                            """)
                }
                for row in rows {
                    checks += 1
                    if (row["n"] as Int) != expected { bad += 1 }
                }
                try? await Task.sleep(for: .milliseconds(1))
            }
            return (checks, bad)
        }
        // Interleave the calls like concurrent live calls.
        let bodies = calls.map { $0.body() }
        for step in 0..<bodies[0].count {
            for body in bodies { writer.write(body[step]) }
            // Every other step waits for the disk, so the calls span several batches even on a loaded machine
            // (where one batch could otherwise take everything).
            if step % 2 == 1 { await writer.flush() }
            try await Task.sleep(for: .milliseconds(1))
        }
        for call in calls { writer.write(call.end()) }
        await writer.flush()
        try await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        let result = try await reader.value
        #expect(result.bad == 0)
        #expect(result.checks > 0)
        #expect(writer.statistics.batches >= 3, "calls should span several batches")
        #expect(try count(writer.database, "SELECT count(*) FROM calls WHERE end_reason = 'completed'") == 60)
        await writer.close()
    }

    /// The caller never waits on disk: with the database locked by another connection, writes return at once.
    @Test func writeDoesNotWaitWhileTheDatabaseIsLocked() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.path("log.db")
        let writer = try CallLogWriter(
            path: path, configuration: .init(flushInterval: .milliseconds(5), batchSize: 10))
        // Another connection holds the write lock (on its own thread) until released.
        let blocker = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            try? blocker.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                locked.signal()
                release.wait()
                try db.execute(sql: "ROLLBACK")
            }
        }
        holder.start()
        locked.wait()
        let call = ScriptedCall(events: 2000)
        let records = call.body() + [call.end()]
        let clock = ContinuousClock()
        var worst = Duration.zero
        let total = clock.measure {
            for record in records {
                let one = clock.measure { writer.write(record) }
                if one > worst { worst = one }
            }
        }
        #expect(total < .milliseconds(1500), "2000 writes took \(total)")
        #expect(worst < .milliseconds(500), "one write took \(worst) (the blocked commit waits up to 10 s)")
        try await Task.sleep(for: .milliseconds(100))
        #expect(try count(writer.database, "SELECT count(*) FROM calls") == 0)
        #expect(writer.statistics.committed == 0, "records wait in memory while the disk is blocked")
        release.signal()
        await writer.flush()
        #expect(try childRowCount(writer.database, call.id) == call.childRows)
        await writer.close()
        try blocker.close()
    }

    @Test func recordsForUnknownCallsAreSkippedAndCountedNotFatal() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let writer = try CallLogWriter(path: folder.path("log.db"))
        let call = ScriptedCall()
        writer.write(.event(CallEvent(callID: CallStarted.newCallID(), at: Date(), kind: .dtmf)))
        writer.write(call.body() + [call.end()])
        writer.write(.ended(CallEnded(callID: CallStarted.newCallID(), at: Date(), reason: .completed)))
        await writer.flush()
        #expect(writer.statistics.failed == 2)
        #expect(try childRowCount(writer.database, call.id) == call.childRows)
        await writer.close()
    }

    @Test func fullQueueDropsInsteadOfGrowing() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.path("log.db")
        let writer = try CallLogWriter(
            path: path, configuration: .init(flushInterval: .seconds(30), batchSize: 1000, maxQueueDepth: 100))
        let call = ScriptedCall(events: 150)
        writer.write(call.body())
        #expect(writer.queueDepth == 100)
        #expect(writer.statistics.dropped == UInt64(call.body().count - 100))
        await writer.close()
        writer.write(call.end())
        #expect(writer.statistics.dropped == UInt64(call.body().count - 100 + 1))
        #expect(try count(writer.database, "SELECT count(*) FROM call_events") == 99)
    }

    @Test func closeCommitsEverythingQueued() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let writer = try CallLogWriter(path: folder.path("log.db"), configuration: .init(flushInterval: .seconds(30)))
        let calls = (0..<5).map { _ in ScriptedCall() }
        for call in calls { writer.write(call.body() + [call.end()]) }
        await writer.close()
        let stats = writer.statistics
        #expect(stats.committed == stats.enqueued)
        for call in calls { #expect(try childRowCount(writer.database, call.id) == call.childRows) }
    }
}
