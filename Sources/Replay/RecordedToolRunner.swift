// Replay: tools answered from a fixture's `tools.jsonl` (for fixtures recorded against systems the replay
// machine cannot reach). Each line: {"name", "arguments", "result"} or {"name", "arguments", "error"}.
public import CallEngine
import Flows
import Foundation
import Synchronization
public import SwitchboardCore

/// Answers tool calls, in order, with the recorded results; a call the recording does not have is an error.
public final class RecordedToolRunner: ToolRunner {
    private let entries: [FixtureRecording.ToolLine]
    private let next = Mutex(0)

    public init(jsonl: String) {
        entries = jsonl.split(whereSeparator: \.isNewline).compactMap { FixtureRecording.ToolLine(jsonLine: String($0)) }
    }

    public func run(_ call: ToolCall, context: ToolRunContext) async throws(ToolError) -> JSONValue {
        let entry: FixtureRecording.ToolLine? = next.withLock { index in
            guard index < entries.count else { return nil }
            defer { index += 1 }
            return entries[index]
        }
        guard let entry else {
            throw ToolError(code: "recording_exhausted", message: "no recorded result for tool \(call.name)")
        }
        guard entry.name == call.name else {
            throw ToolError(code: "recording_mismatch", message: "recorded tool \(entry.name), now \(call.name)")
        }
        if let error = entry.error { throw ToolError(code: "tool_error", message: error) }
        return entry.result ?? .null
    }
}
