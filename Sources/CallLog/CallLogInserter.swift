// Turns records into rows. Owned by the writer thread only (not Sendable state shared with anyone): it keeps
// per-call sequence counters and the text form of live call ids, prices model requests and redacts JSON.
import Foundation
import GRDB
import Logging
import SwitchboardCore

struct CallLogInserter {
    private struct LiveCall {
        let id: String
        var lastSeq: Int
    }

    let prices: PriceTable
    let redactor: Redactor
    let logger: Logger
    private var live: [String: LiveCall] = [:]

    init(prices: PriceTable, redactor: Redactor, logger: Logger) {
        self.prices = prices
        self.redactor = redactor
        self.logger = logger
    }

    /// Forgets cached counters (after a rolled-back transaction they may be ahead; gaps in seq are harmless,
    /// but ids of calls whose start was rolled back must be looked up again).
    mutating func reset() {
        live.removeAll(keepingCapacity: true)
    }

    /// Inserts one record. Returns false (and writes nothing) when the record refers to an unknown call.
    mutating func insert(_ record: CallLogRecord, _ db: Database) throws -> Bool {
        switch record {
        case .started(let r):
            let id = r.callID
            try db.cachedStatement(
                sql: """
                    INSERT INTO calls (id, started_at, caller, callee, bridge, flow, flow_version, record_audio,
                        recording_path, direction) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                id, CallLogTimestamp.format(r.at), r.caller, r.callee, r.bridge, r.flow, r.flowVersion,
                r.recordCallerAudio, r.recordingPath, r.direction,
            ])
            live[r.callID] = LiveCall(id: id, lastSeq: 0)
            return true
        case .event(let r):
            guard let (id, seq) = try nextSeq(r.callID, db) else { return false }
            let at = CallLogTimestamp.format(r.at)
            try db.cachedStatement(sql: "INSERT INTO call_events (call_id, seq, at, kind, data) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [id, seq, at, r.kind.rawValue, redactedText(r.data)])
            if r.kind == .answered {
                try db.cachedStatement(sql: "UPDATE calls SET answered_at = coalesce(answered_at, ?) WHERE id = ?")
                    .execute(arguments: [at, id])
            }
            return true
        case .turn(let r):
            guard let (id, seq) = try nextSeq(r.callID, db) else { return false }
            try db.cachedStatement(
                sql: """
                    INSERT INTO turns (call_id, seq, role, transcript, audio_ms, started_at, latency_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                id, seq, r.role.rawValue, r.transcript, r.audioMs, CallLogTimestamp.format(r.startedAt), r.latencyMs,
            ])
            return true
        case .callerTranscript(let r):
            guard let (id, _) = try lookup(r.callID, db) else { return false }
            try db.cachedStatement(
                sql: """
                    UPDATE turns SET transcript = ? WHERE call_id = ? AND seq = (SELECT seq FROM turns
                        WHERE call_id = ? AND role = 'caller' ORDER BY seq LIMIT 1 OFFSET ?)
                    """
            ).execute(arguments: [r.transcript, id, id, r.turn])
            return true
        case .toolCall(let r):
            guard let (id, seq) = try nextSeq(r.callID, db) else { return false }
            try db.cachedStatement(
                sql: """
                    INSERT INTO tool_calls (
                        call_id, seq, tool, arguments, result, error, duration_ms, started_at, tool_call_id, attempts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                id, seq, r.tool, redactedText(r.arguments), r.result.map(redactedText),
                r.error.map { redactor.redact(text: $0) }, r.durationMs, CallLogTimestamp.format(r.startedAt),
                r.toolCallID, r.attempts,
            ])
            return true
        case .modelRequest(let r):
            guard let (id, seq) = try nextSeq(r.callID, db) else { return false }
            let cost = r.costUSD ?? prices.cost(of: r)
            try db.cachedStatement(
                sql: """
                    INSERT INTO model_requests (call_id, seq, started_at, provider, model, status, ttfb_ms, ttfa_ms,
                        duration_ms, text_in_tokens, text_out_tokens, audio_in_tokens, audio_out_tokens, cost_usd, error)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                id, seq, CallLogTimestamp.format(r.startedAt), r.provider, r.model, r.status, r.ttfbMs, r.ttfaMs,
                r.durationMs, r.textInTokens, r.textOutTokens, r.audioInTokens, r.audioOutTokens, cost,
                r.error.map { redactor.redact(text: $0) },
            ])
            return true
        case .ended(let r):
            guard let (id, _) = try lookup(r.callID, db) else { return false }
            try db.cachedStatement(
                sql: """
                    UPDATE calls SET ended_at = ?, end_reason = ?, final_route = coalesce(?, final_route),
                        recording_path = coalesce(?, recording_path), sip_status = coalesce(?, sip_status) WHERE id = ?
                    """
            ).execute(arguments: [
                CallLogTimestamp.format(r.at), r.reason.rawValue, r.finalRoute, r.recordingPath, r.sipStatus, id,
            ])
            try db.cachedStatement(sql: CallLogSQL.updateTotals).execute(arguments: CallLogSQL.totalsArguments(id))
            live[r.callID] = nil
            return true
        }
    }

    private mutating func nextSeq(_ callID: String, _ db: Database) throws -> (String, Int)? {
        guard let (id, last) = try lookup(callID, db) else { return nil }
        live[callID] = LiveCall(id: id, lastSeq: last + 1)
        return (id, last + 1)
    }

    private mutating func lookup(_ callID: String, _ db: Database) throws -> (String, Int)? {
        if let call = live[callID] { return (call.id, call.lastSeq) }
        let id = callID
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM calls WHERE id = ?", arguments: [id]) == true else {
            return nil
        }
        let last = try Int.fetchOne(db, sql: CallLogSQL.maxSeq, arguments: [id, id, id, id]) ?? 0
        live[callID] = LiveCall(id: id, lastSeq: last)
        return (id, last)
    }

    private func redactedText(_ value: JSONValue) -> String {
        if case .object(let members) = value, members.isEmpty { return "{}" }
        return redactor.redact(value).jsonText
    }
}
