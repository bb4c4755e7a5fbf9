// Replay: the call's events as the session reported them (`CollectingCallEventSink`), written as a fixture
// run's `events.jsonl`.
public import CallEngine
import Flows
import Foundation
import SwitchboardCore

extension CollectingCallEventSink {
    /// One JSON object a line, keys sorted, times in call milliseconds: stable across runs and versions.
    public func jsonl() -> String {
        records.map { record in
            var object: [String: JSONValue] = ["at_ms": .number(Double(record.at.milliseconds))]
            for (key, value) in Self.fields(record.event) { object[key] = value }
            return JSONValue.object(object).jsonText
        }.joined(separator: "\n") + "\n"
    }

    static func fields(_ event: CallLogEvent) -> [String: JSONValue] {
        switch event {
        case .started(let caller, let called, let flow):
            return ["event": .string("started"), "caller": .string(caller), "called": called.map { .string($0) } ?? .null, "flow": .string(flow)]
        case .stepEntered(let step):
            return ["event": .string("step_entered"), "step": .string(step)]
        case .turn(let speaker, let text, let durationMs):
            return ["event": .string("turn"), "speaker": .string(speaker.rawValue), "text": text.map { .string($0) } ?? .null,
                "duration_ms": .number(Double(durationMs))]
        case .callerTranscript(let turn, let text):
            return ["event": .string("caller_transcript"), "turn": .number(Double(turn)), "text": .string(text)]
        case .dtmf(let digit):
            return ["event": .string("dtmf"), "digit": .string(String(digit))]
        case .bargeIn:
            return ["event": .string("barge_in")]
        case .toolCall(let name, let arguments, let result, let error, let durationMs):
            return ["event": .string("tool_call"), "name": .string(name), "arguments": (try? JSONValue.parse(arguments)) ?? .string(arguments),
                "result": result.map { (try? JSONValue.parse($0)) ?? .string($0) } ?? .null, "error": error.map { .string($0) } ?? .null,
                "duration_ms": .number(Double(durationMs))]
        case .modelRequest(let step, let usage, let error, let durationMs):
            var fields: [String: JSONValue] = ["event": .string("model_request"), "step": .string(step),
                "error": error.map { .string($0) } ?? .null, "duration_ms": .number(Double(durationMs))]
            if let usage {
                fields["prompt_tokens"] = .number(Double(usage.promptTokens))
                fields["completion_tokens"] = .number(Double(usage.completionTokens))
                fields["ttfb_ms"] = usage.timeToFirstByteMs.map { .number(Double($0)) } ?? .null
                fields["ttfa_ms"] = usage.timeToFirstAudioMs.map { .number(Double($0)) } ?? .null
                fields["cost_usd"] = usage.costUSD.map { .number($0) } ?? .null
            }
            return fields
        case .transfer(let target, let result):
            return ["event": .string("transfer"), "target": .string(target), "result": .string(result)]
        case .note(let kind, let detail):
            return ["event": .string("note"), "kind": .string(kind), "detail": .string(detail)]
        case .ended(let reason):
            return ["event": .string("ended"), "reason": .string(reason)]
        }
    }
}
