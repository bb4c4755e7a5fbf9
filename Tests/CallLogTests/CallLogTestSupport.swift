// Helpers for the CallLog tests: unique temp folders and a scripted call that writes a known set of records.
import Foundation
import GRDB

@testable import CallLog
import SwitchboardCore

struct TempFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("calllog-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A call with `events` DTMF events, one caller and one bot turn, one tool call and one model request.
struct ScriptedCall {
    let id = CallStarted.newCallID()
    let start: Date
    let flow: String
    let events: Int

    init(start: Date = Date(), flow: String = "support", events: Int = 3) {
        self.start = start
        self.flow = flow
        self.events = events
    }

    /// Records before the end (`rowCount` of them go to child tables).
    func body() -> [CallLogRecord] {
        var records: [CallLogRecord] = [
            .started(
                CallStarted(
                    callID: id, at: start, caller: "+15551230001", callee: "+15559990000", bridge: "sip", flow: flow,
                    flowVersion: "3")),
            .event(CallEvent(callID: id, at: start.addingTimeInterval(0.5), kind: .answered)),
        ]
        for index in 0..<events {
            records.append(
                .event(
                    CallEvent(
                        callID: id, at: start.addingTimeInterval(1 + Double(index) * 0.01), kind: .dtmf,
                        data: ["digit": .string(String(index % 10))])))
        }
        records.append(
            .turn(
                TurnRecord(
                    callID: id, role: .caller, transcript: "what is my balance", audioMs: 1800,
                    startedAt: start.addingTimeInterval(2))))
        records.append(
            .modelRequest(
                ModelRequestRecord(
                    callID: id, provider: "openai", model: "gpt-4o-mini-audio-preview-2024-12-17", status: "ok",
                    startedAt: start.addingTimeInterval(4), ttfbMs: 310, ttfaMs: 520, durationMs: 1900, textInTokens: 1000,
                    textOutTokens: 100, audioInTokens: 200, audioOutTokens: 300)))
        records.append(
            .toolCall(
                ToolCallRecord(
                    callID: id, toolCallID: "call_lookup_1", tool: "lookup_account", arguments: ["account": "42"],
                    result: ["balance": 12.5], durationMs: 12, startedAt: start.addingTimeInterval(4.5), attempts: 2)))
        records.append(
            .turn(
                TurnRecord(
                    callID: id, role: .bot, transcript: "your balance is 12 dollars 50", audioMs: 2400,
                    startedAt: start.addingTimeInterval(5), latencyMs: 640)))
        return records
    }

    func end(reason: CallEndReason = .completed) -> CallLogRecord {
        .ended(CallEnded(callID: id, at: start.addingTimeInterval(9), reason: reason, finalRoute: "billing"))
    }

    /// Rows in call_events + turns + tool_calls + model_requests after `body()` + `end()`.
    var childRows: Int { 1 + events + 4 }

    static let expectedCost = (1000 * 0.15 + 100 * 0.60 + 200 * 10.0 + 300 * 20.0) / 1_000_000
}

func count(_ db: any DatabaseReader, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
    try db.read { try Int.fetchOne($0, sql: sql, arguments: arguments) ?? -1 }
}

func childRowCount(_ db: any DatabaseReader, _ id: String) throws -> Int {
    let key = id
    return try count(
        db,
        """
        SELECT (SELECT count(*) FROM call_events WHERE call_id = ?1) + (SELECT count(*) FROM turns WHERE call_id = ?1)
            + (SELECT count(*) FROM tool_calls WHERE call_id = ?1) + (SELECT count(*) FROM model_requests WHERE call_id = ?1)
        """, [key])
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try condition()
}

/// The code of the `CallLogError` thrown by `body`, nil if it did not throw one.
func callLogErrorCode(_ body: () throws -> Void) -> CallLogError.Code? {
    do {
        try body()
        return nil
    } catch let error as CallLogError {
        return error.code
    } catch {
        return nil
    }
}

func callLogErrorCode(_ body: () async throws -> Void) async -> CallLogError.Code? {
    do {
        try await body()
        return nil
    } catch let error as CallLogError {
        return error.code
    } catch {
        return nil
    }
}
