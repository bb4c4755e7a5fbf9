// Human-readable renderings of query results for `switchboard calls list` and `calls show`.
import Foundation

public enum CallLogText {
    public static func list(_ calls: [CallSummary]) -> String {
        guard !calls.isEmpty else { return "no calls\n" }
        var lines = [
            pad("ID", 8) + "  " + pad("STARTED (UTC)", 19) + "  " + pad("DURATION", 8) + "  " + pad("CALLER", 16) + "  "
                + pad("FLOW", 14) + "  " + pad("OUTCOME", 14) + "  " + pad("TURNS", 5) + "  " + "COST"
        ]
        for call in calls {
            let started = String(CallLogTimestamp.format(call.startedAt).prefix(19)).replacingOccurrences(of: "T", with: " ")
            let shortID = call.id.count == 36 && call.id.contains("-") ? String(call.id.prefix(8)) : call.id
            lines.append(
                pad(shortID, 8) + "  " + pad(started, 19) + "  "
                    + pad(call.durationMs.map(duration) ?? "live", 8) + "  " + pad(call.caller, 16) + "  "
                    + pad(call.flow, 14) + "  " + pad(call.endReason ?? "live", 14) + "  "
                    + pad(String(call.totals.turns), 5) + "  " + dollars(call.totals.costUSD))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func detail(_ detail: CallDetail) -> String {
        let call = detail.call
        var out = "call \(call.id)\n"
        out += "  from \(call.caller) to \(call.callee) via \(call.bridge), flow \(call.flow)"
        out += call.flowVersion.isEmpty ? "\n" : " (\(call.flowVersion))\n"
        out += "  started  \(CallLogTimestamp.format(call.startedAt))\n"
        if let answered = call.answeredAt { out += "  answered \(CallLogTimestamp.format(answered))\n" }
        if let ended = call.endedAt {
            out += "  ended    \(CallLogTimestamp.format(ended)) (\(call.durationMs.map(duration) ?? "?"))\n"
        }
        out += "  outcome  \(call.endReason ?? "live")"
        out += call.finalRoute.map { ", route \($0)\n" } ?? "\n"
        let totals = call.totals
        out += "  totals   \(totals.turns) turns, \(totals.toolCalls) tool calls, \(totals.modelRequests) model requests, "
        out += "audio in \(duration(totals.audioInMs)) / out \(duration(totals.audioOutMs)), cost \(dollars(totals.costUSD))\n"
        if let path = call.recordingPath { out += "  recording \(path)\n" }
        if let stats = detail.latency.turnLatency { out += "  turn latency  \(stats.line)\n" }
        if let stats = detail.latency.modelTTFB { out += "  model TTFB    \(stats.line)\n" }
        if let stats = detail.latency.modelTTFA { out += "  model TTFA    \(stats.line)\n" }
        out += "\ntimeline\n"
        var entries: [(Int, String)] = []
        for event in detail.events {
            let data = event.data == [:] ? "" : " " + event.data.jsonText
            entries.append((event.seq, "\(time(event.at))  \(event.kind)\(data)"))
        }
        for turn in detail.turns {
            let latency = turn.latencyMs.map { ", \($0) ms to first audio" } ?? ""
            // A caller turn with no transcript (no transcription configured, or offline) says so.
            let said = turn.transcript.isEmpty ? "(audio, no transcript)" : "\"\(turn.transcript)\""
            entries.append((turn.seq, "\(time(turn.startedAt))  \(turn.role): \(said) (\(duration(turn.audioMs))\(latency))"))
        }
        for tool in detail.toolCalls {
            let outcome = tool.error.map { "error: \($0)" } ?? (tool.result?.jsonText ?? "null")
            entries.append(
                (tool.seq, "\(time(tool.startedAt))  tool \(tool.tool)(\(tool.arguments.jsonText)) → \(outcome) [\(tool.durationMs) ms]"))
        }
        for request in detail.modelRequests {
            var line = "\(time(request.startedAt))  model \(request.provider)/\(request.model) \(request.status)"
            line += " ttfb \(request.ttfbMs.map { "\($0) ms" } ?? "-") ttfa \(request.ttfaMs.map { "\($0) ms" } ?? "-")"
            line += " total \(request.durationMs) ms; tokens text \(request.textInTokens)/\(request.textOutTokens)"
            line += " audio \(request.audioInTokens)/\(request.audioOutTokens); \(request.costUSD.map(dollars) ?? "no price")"
            if let error = request.error { line += "; error: \(error)" }
            entries.append((request.seq, line))
        }
        for (_, line) in entries.sorted(by: { $0.0 < $1.0 }) { out += "  \(line)\n" }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func duration(_ ms: Int) -> String {
        ms < 1000 ? "\(ms) ms" : String(format: "%.1f s", Double(ms) / 1000)
    }

    static func dollars(_ value: Double) -> String {
        String(format: "$%.4f", value)
    }

    static func time(_ date: Date) -> String {
        String(CallLogTimestamp.format(date).dropFirst(11).dropLast())
    }
}

extension LatencyStats {
    var line: String { "p50 \(p50Ms) ms, max \(maxMs) ms, mean \(Int(meanMs.rounded())) ms (n=\(count))" }
}
