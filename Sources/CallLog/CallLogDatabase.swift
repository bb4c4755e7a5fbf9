// Opens the call-log file: a GRDB DatabasePool (WAL mode, synchronous=NORMAL, busy timeout), migrations to
// the latest version, a refusal to touch files written by a newer schema, and the start-up recovery that
// closes calls a previous process left open as `interrupted`.
public import Foundation
public import GRDB
import SwitchboardCore

public enum CallLogDatabase {
    /// Opens (creating when `create` is true) and migrates the database at `path`.
    public static func open(path: String, create: Bool = true) throws -> DatabasePool {
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw CallLogError(code: .notFound, message: "no call log at \(path) (pass --db PATH)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw CallLogError(code: .database, message: "cannot open call log \(path): \(error)")
        }
        try migrate(pool, path: path)
        return pool
    }

    static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        let migrator = CallLogSchema.migrator
        let superseded = try wrap { try writer.read { try migrator.hasBeenSuperseded($0) } }
        if superseded {
            throw CallLogError(
                code: .newerSchema,
                message: "\(path) was written by a newer switchboard (unknown schema version); upgrade switchboard"
            )
        }
        try wrap { try migrator.migrate(writer) }
    }

    /// Closes every call without `ended_at` as `interrupted`: ended at its last recorded activity, totals
    /// recomputed, and an `interrupted` event appended. Returns the number of calls closed.
    @discardableResult
    public static func closeOpenCalls(_ writer: any DatabaseWriter, now: Date = Date()) throws -> Int {
        try wrap {
            try writer.write { db in
                let ids = try String.fetchAll(db, sql: "SELECT id FROM calls WHERE ended_at IS NULL")
                let nowText = CallLogTimestamp.format(now)
                for id in ids {
                    let lastActivity =
                        try String.fetchOne(
                            db,
                            sql: """
                                SELECT max(
                                    c.started_at,
                                    coalesce(c.answered_at, c.started_at),
                                    coalesce((SELECT max(at) FROM call_events WHERE call_id = c.id), c.started_at),
                                    coalesce((SELECT max(started_at) FROM turns WHERE call_id = c.id), c.started_at),
                                    coalesce((SELECT max(started_at) FROM tool_calls WHERE call_id = c.id), c.started_at),
                                    coalesce((SELECT max(started_at) FROM model_requests WHERE call_id = c.id), c.started_at)
                                ) FROM calls c WHERE c.id = ?
                                """, arguments: [id]) ?? nowText
                    let seq =
                        try Int.fetchOne(db, sql: CallLogSQL.maxSeq, arguments: [id, id, id, id]) ?? 0
                    try db.execute(
                        sql: "INSERT INTO call_events (call_id, seq, at, kind, data) VALUES (?, ?, ?, ?, ?)",
                        arguments: [
                            id, seq + 1, nowText, CallEventKind.interrupted.rawValue,
                            "{\"reason\":\"the process that handled this call stopped before the call ended\"}",
                        ]
                    )
                    try db.execute(
                        sql: "UPDATE calls SET ended_at = ?, end_reason = ? WHERE id = ?",
                        arguments: [lastActivity, CallEndReason.interrupted.rawValue, id]
                    )
                    try db.execute(sql: CallLogSQL.updateTotals, arguments: CallLogSQL.totalsArguments(id))
                }
                return ids.count
            }
        }
    }

    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CallLogError {
            throw error
        } catch {
            throw CallLogError(code: .database, message: "call log database error: \(error)")
        }
    }
}

/// SQL shared by the writer, the recovery and the store.
enum CallLogSQL {
    static let maxSeq = """
        SELECT max(
            coalesce((SELECT max(seq) FROM call_events WHERE call_id = ?), 0),
            coalesce((SELECT max(seq) FROM turns WHERE call_id = ?), 0),
            coalesce((SELECT max(seq) FROM tool_calls WHERE call_id = ?), 0),
            coalesce((SELECT max(seq) FROM model_requests WHERE call_id = ?), 0))
        """

    static let updateTotals = """
        UPDATE calls SET
            turns = (SELECT count(*) FROM turns WHERE call_id = ?),
            tool_calls = (SELECT count(*) FROM tool_calls WHERE call_id = ?),
            model_requests = (SELECT count(*) FROM model_requests WHERE call_id = ?),
            cost_usd = (SELECT coalesce(sum(cost_usd), 0) FROM model_requests WHERE call_id = ?),
            audio_in_ms = (SELECT coalesce(sum(audio_ms), 0) FROM turns WHERE call_id = ? AND role = 'caller'),
            audio_out_ms = (SELECT coalesce(sum(audio_ms), 0) FROM turns WHERE call_id = ? AND role = 'bot')
        WHERE id = ?
        """

    static func totalsArguments(_ id: String) -> StatementArguments {
        [id, id, id, id, id, id, id]
    }
}
