// Replay: results for people (a line per fixture, a diff per failure) and for programs (JSON).
import Flows
import Foundation
import SwitchboardCore

public enum ReplayReport {
    public static func text(_ result: FixtureResult) -> String {
        let timing = String(
            format: "call %.1f s, replayed in %.3f s", Double(result.callDurationMs) / 1000, result.wallSeconds)
        if let error = result.error {
            return "ERROR \(result.name) (\(result.folder))\n  \(error.message.replacingOccurrences(of: "\n", with: "\n  "))"
        }
        if result.passed { return "PASS  \(result.name) (\(timing))" }
        let diff = result.failures.map { "  " + $0.description.replacingOccurrences(of: "\n", with: "\n  ") }
        return (["FAIL  \(result.name) (\(timing))"] + diff).joined(separator: "\n")
    }

    public static func json(_ results: [FixtureResult]) -> String {
        let items: [JSONValue] = results.map { result in
            var object: [String: JSONValue] = [
                "name": .string(result.name), "folder": .string(result.folder), "passed": .bool(result.passed),
                "call_ms": .number(Double(result.callDurationMs)), "wall_seconds": .number(result.wallSeconds),
                "failures": .array(result.failures.map {
                    .object(["field": .string($0.field), "expected": .string($0.expected), "actual": .string($0.actual)])
                }),
            ]
            if let error = result.error { object["error"] = .string(error.message) }
            if let observed = result.observed {
                object["end_reason"] = .string(observed.endReason)
                object["route"] = observed.route.map { .string($0) } ?? .null
                object["steps"] = .array(observed.steps.map { .string($0) })
                object["turns"] = .number(Double(observed.turns))
                object["barge_ins"] = .number(Double(observed.bargeIns))
                object["tools"] = .array(observed.tools.map { .object(["name": .string($0.name), "arguments": $0.arguments]) })
                object["bot_transcript"] = .string(observed.botTranscript)
            }
            return .object(object)
        }
        return JSONValue.array(items).jsonText
    }
}
