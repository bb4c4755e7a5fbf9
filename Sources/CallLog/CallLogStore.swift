// The read side of the call log, plus retention: list calls, show one call, prune old ones. Shares the
// writer's pool in the server; the CLI opens its own (`CallLogStore(path:)`).
public import Foundation
public import GRDB
import SwitchboardCore

public struct CallLogStore: Sendable {
    public let database: DatabasePool
    public let path: String

    public init(database: DatabasePool, path: String) {
        self.database = database
        self.path = path
    }

    /// Opens an existing call log (migrating it to the current schema); throws `.notFound` if absent.
    public init(path: String) throws {
        self.database = try CallLogDatabase.open(path: path, create: false)
        self.path = path
    }

    public func listCalls(_ filter: CallListFilter = CallListFilter()) async throws -> [CallSummary] {
        try await read { db in try Self.listCalls(filter, db) }
    }

    /// `id` is a full call id or a unique prefix of at least 4 characters. nil when no call matches.
    public func call(id: String) async throws -> CallDetail? {
        try await read { db in try Self.callDetail(id: id, db) }
    }

    /// Deletes finished calls that started before `cutoff` (with all their rows). Live calls are kept.
    @discardableResult
    public func prune(olderThan cutoff: Date) async throws -> Int {
        try await pruneReturningRecordings(olderThan: cutoff).calls
    }

    /// `prune`, also returning the caller-audio recording files of the deleted calls, so the caller can remove
    /// them (the database never touches files).
    public func pruneReturningRecordings(olderThan cutoff: Date) async throws -> (calls: Int, recordings: [String]) {
        let condition = "ended_at IS NOT NULL AND started_at < ?"
        let arguments: StatementArguments = [CallLogTimestamp.format(cutoff)]
        do {
            return try await database.write { db in
                let recordings = try String.fetchAll(
                    db, sql: "SELECT recording_path FROM calls WHERE \(condition) AND recording_path IS NOT NULL",
                    arguments: arguments)
                try db.execute(sql: "DELETE FROM calls WHERE \(condition)", arguments: arguments)
                return (db.changesCount, recordings)
            }
        } catch {
            throw CallLogError(code: .database, message: "pruning \(path) failed: \(error)")
        }
    }

    public static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(CallLogTimestamp.format(date))
        }
        return encoder
    }

    public static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = CallLogTimestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "bad timestamp \(text)")
            }
            return date
        }
        return decoder
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as CallLogError {
            throw error
        } catch {
            throw CallLogError(code: .database, message: "reading \(path) failed: \(error)")
        }
    }
}

extension CallLogStore {
    static let summaryColumns = """
        id, started_at, answered_at, ended_at, caller, callee, bridge, flow, flow_version, end_reason, final_route,
        turns, tool_calls, model_requests, cost_usd, audio_in_ms, audio_out_ms, record_audio, recording_path, direction,
        sip_status
        """

    static func listCalls(_ filter: CallListFilter, _ db: Database) throws -> [CallSummary] {
        var clauses: [String] = []
        var arguments = StatementArguments()
        if let since = filter.since {
            clauses.append("started_at >= ?")
            _ = arguments.append(contentsOf: [CallLogTimestamp.format(since)])
        }
        if let flow = filter.flow {
            clauses.append("flow = ?")
            _ = arguments.append(contentsOf: [flow])
        }
        if let outcome = filter.outcome {
            if outcome == "live" || outcome == "open" {
                clauses.append("ended_at IS NULL")
            } else {
                clauses.append("end_reason = ?")
                _ = arguments.append(contentsOf: [outcome])
            }
        }
        let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        _ = arguments.append(contentsOf: [max(1, filter.limit)])
        let rows = try Row.fetchAll(
            db, sql: "SELECT \(summaryColumns) FROM calls \(whereSQL) ORDER BY started_at DESC, id LIMIT ?",
            arguments: arguments)
        return try rows.map { row in
            var summary = summary(row)
            if summary.endedAt == nil { summary.totals = try liveTotals(summary.id, db) }
            return summary
        }
    }

    static func callDetail(id: String, _ db: Database) throws -> CallDetail? {
        guard let fullID = try resolve(id: id, db),
            let row = try Row.fetchOne(db, sql: "SELECT \(summaryColumns) FROM calls WHERE id = ?", arguments: [fullID])
        else { return nil }
        var call = summary(row)
        if call.endedAt == nil { call.totals = try liveTotals(fullID, db) }
        let events = try Row.fetchAll(
            db, sql: "SELECT seq, at, kind, data FROM call_events WHERE call_id = ? ORDER BY seq", arguments: [fullID]
        ).map { row in
            CallEventRow(seq: row["seq"], at: date(row["at"]), kind: row["kind"], data: json(row["data"]) ?? [:])
        }
        let turns = try Row.fetchAll(
            db, sql: "SELECT * FROM turns WHERE call_id = ? ORDER BY seq", arguments: [fullID]
        ).map { row in
            TurnRow(
                seq: row["seq"], role: row["role"], transcript: row["transcript"], audioMs: row["audio_ms"],
                startedAt: date(row["started_at"]), latencyMs: row["latency_ms"])
        }
        let tools = try Row.fetchAll(
            db, sql: "SELECT * FROM tool_calls WHERE call_id = ? ORDER BY seq", arguments: [fullID]
        ).map { row in
            ToolCallRow(
                seq: row["seq"],
                record: ToolCallRecord(
                    callID: fullID, toolCallID: row["tool_call_id"], tool: row["tool"],
                    arguments: json(row["arguments"]) ?? [:], result: json(row["result"]), error: row["error"],
                    durationMs: row["duration_ms"], startedAt: date(row["started_at"]), attempts: row["attempts"]))
        }
        let requests = try Row.fetchAll(
            db, sql: "SELECT * FROM model_requests WHERE call_id = ? ORDER BY seq", arguments: [fullID]
        ).map { row in
            ModelRequestRow(
                seq: row["seq"],
                record: ModelRequestRecord(
                    callID: fullID, provider: row["provider"], model: row["model"], status: row["status"],
                    startedAt: date(row["started_at"]), ttfbMs: row["ttfb_ms"], ttfaMs: row["ttfa_ms"],
                    durationMs: row["duration_ms"], textInTokens: row["text_in_tokens"],
                    textOutTokens: row["text_out_tokens"], audioInTokens: row["audio_in_tokens"],
                    audioOutTokens: row["audio_out_tokens"], costUSD: row["cost_usd"], error: row["error"]))
        }
        let latency = CallLatency(
            turnLatency: LatencyStats(turns.compactMap(\.latencyMs)),
            modelTTFB: LatencyStats(requests.compactMap(\.ttfbMs)),
            modelTTFA: LatencyStats(requests.compactMap(\.ttfaMs)),
            modelDuration: LatencyStats(requests.map(\.durationMs)))
        return CallDetail(
            call: call, events: events, turns: turns, toolCalls: tools, modelRequests: requests, latency: latency)
    }

    static func resolve(id: String, _ db: Database) throws -> String? {
        let needle = id.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else {
            throw CallLogError(code: .badCallID, message: "give a call id (or its first 4+ characters)")
        }
        for candidate in Set([needle, needle.lowercased()]) {
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM calls WHERE id = ?", arguments: [candidate]) == true {
                return candidate
            }
        }
        guard needle.count >= 4 else {
            throw CallLogError(code: .badCallID, message: "'\(id)' is too short: give the call id or its first 4+ characters")
        }
        var matches = Set<String>()
        for candidate in Set([needle, needle.lowercased()]) {
            matches.formUnion(
                try String.fetchAll(
                    db, sql: "SELECT id FROM calls WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
                    arguments: [candidate, candidate + "\u{10FFFF}"]))
        }
        if matches.count > 1 {
            throw CallLogError(code: .ambiguousCallID, message: "'\(id)' matches several calls; give more characters")
        }
        return matches.first
    }

    static func liveTotals(_ id: String, _ db: Database) throws -> CallTotals {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT (SELECT count(*) FROM turns WHERE call_id = ?1) AS turns,
                    (SELECT count(*) FROM tool_calls WHERE call_id = ?1) AS tool_calls,
                    (SELECT count(*) FROM model_requests WHERE call_id = ?1) AS model_requests,
                    (SELECT coalesce(sum(cost_usd), 0) FROM model_requests WHERE call_id = ?1) AS cost_usd,
                    (SELECT coalesce(sum(audio_ms), 0) FROM turns WHERE call_id = ?1 AND role = 'caller') AS audio_in_ms,
                    (SELECT coalesce(sum(audio_ms), 0) FROM turns WHERE call_id = ?1 AND role = 'bot') AS audio_out_ms
                """, arguments: [id])
        guard let row else { return CallTotals(turns: 0, toolCalls: 0, modelRequests: 0, costUSD: 0, audioInMs: 0, audioOutMs: 0) }
        return totals(row)
    }

    static func totals(_ row: Row) -> CallTotals {
        CallTotals(
            turns: row["turns"], toolCalls: row["tool_calls"], modelRequests: row["model_requests"],
            costUSD: row["cost_usd"], audioInMs: row["audio_in_ms"], audioOutMs: row["audio_out_ms"])
    }

    static func summary(_ row: Row) -> CallSummary {
        let started = date(row["started_at"])
        let ended = (row["ended_at"] as String?).flatMap(CallLogTimestamp.parse)
        return CallSummary(
            id: row["id"], startedAt: started, answeredAt: (row["answered_at"] as String?).flatMap(CallLogTimestamp.parse),
            endedAt: ended, durationMs: ended.map { Int(($0.timeIntervalSince(started) * 1000).rounded()) },
            caller: row["caller"], callee: row["callee"], bridge: row["bridge"], flow: row["flow"],
            flowVersion: row["flow_version"], endReason: row["end_reason"], finalRoute: row["final_route"],
            recordAudio: row["record_audio"], recordingPath: row["recording_path"], totals: totals(row),
            direction: row["direction"] ?? "inbound", sipStatus: row["sip_status"])
    }

    static func date(_ text: String?) -> Date {
        text.flatMap(CallLogTimestamp.parse) ?? Date(timeIntervalSince1970: 0)
    }

    static func json(_ text: String?) -> JSONValue? {
        guard let text else { return nil }
        return (try? JSONValue.parse(text)) ?? .string(text)
    }
}
