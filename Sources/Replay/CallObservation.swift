// Replay: what a call did, read the same way from a replayed session and from a live one being recorded —
// so that a fixture written by `serve --record` states exactly what its replay will observe.
public import CallEngine
import CallWiring
import Flows
import Foundation
public import ModelClient
import Tools
public import SwitchboardCore

extension ObservedCall {
    /// The outcome, steps, bot transcript, turns and barge-ins of `session`; the tools are what the model asked
    /// for (exits included), then the tools the flow ran by itself (`tool` steps, seen in the call's events).
    public static func observe(
        _ session: CallSession, events: [CallEventRecord], modelToolCalls: [ToolCall]
    ) async -> ObservedCall {
        var observed = ObservedCall()
        let outcome = await session.outcome
        observed.endReason = outcome?.endReason ?? "timeout"
        observed.route = outcome?.route
        observed.steps = await session.stepsVisited
        observed.botTranscript = await session.transcript.filter { $0.speaker == .bot }.map(\.text)
            .joined(separator: " ")
        observed.turns = await session.callerTurns
        observed.bargeIns = await session.bargeIns
        observed.tools = toolsSeen(modelToolCalls: modelToolCalls, events: events)
        return observed
    }

    /// The model's tool calls in order, then each `toolCall` event whose name none of them claimed.
    public static func toolsSeen(modelToolCalls: [ToolCall], events: [CallEventRecord]) -> [ToolCallSeen] {
        var tools = modelToolCalls.map { ToolCallSeen(name: $0.name, arguments: $0.arguments) }
        var unmatched = tools
        for record in events {
            guard case .toolCall(let name, let arguments, _, _, _) = record.event else { continue }
            if let index = unmatched.firstIndex(where: { $0.name == name }) {
                unmatched.remove(at: index)
            } else {
                tools.append(ToolCallSeen(name: name, arguments: (try? JSONValue.parse(arguments)) ?? .string(arguments)))
            }
        }
        return tools
    }
}

extension FixtureExpectation {
    /// The expectations a recorded call meets by construction: end reason, route, every step visited, the tools
    /// with their arguments (members the call log would redact are left out, so no secret is written and the
    /// subset match still holds), the number of caller turns and barge-ins.
    public init(recording call: ObservedCall, redactor: Redactor = Redactor()) {
        self.init(
            endReason: call.endReason, route: call.route, steps: call.steps,
            tools: call.tools.map { ToolExpectation(name: $0.name, arguments: Self.withoutSecrets($0.arguments, redactor)) },
            transcriptContains: nil, turns: call.turns, bargeIns: call.bargeIns)
    }

    /// `value` without the members `redactor` would replace (recursively); nil when nothing is left to check.
    static func withoutSecrets(_ value: JSONValue, _ redactor: Redactor) -> JSONValue? {
        switch value {
        case .object(let members):
            var kept: [String: JSONValue] = [:]
            for (key, member) in members where !redactor.isSensitive(key: key) {
                if let inner = withoutSecrets(member, redactor) { kept[key] = inner }
            }
            return kept.isEmpty ? nil : .object(kept)
        default:
            return value
        }
    }
}

extension Cassette {
    /// Every tool call the model made in these exchanges, decoded from the recorded bytes exactly as a replay
    /// decodes them (a stalled response is not finished; a failed status carries none).
    public func modelToolCalls(profile: ProviderProfile = .openai) -> [ToolCall] {
        let mapper = ModelEventMapper()
        var calls: [ToolCall] = []
        for exchange in exchanges where exchange.response.status == 200 {
            let response = exchange.response
            let decoder = ReplyStreamDecoder(providerSampleRate: profile.audioSampleRate, outputSampleRate: 8000)
            var events: [ChatStreamEvent] = []
            do {
                if response.isEventStream {
                    for chunk in response.timedChunks { events += try decoder.consumeStream(chunk.bytes) }
                    if !response.stalls { events += try decoder.finishStream() }
                } else if !response.stalls {
                    events += try decoder.consumeCompletion(Data(response.body))
                }
            } catch {
                // A broken body ends the attempt where it broke; what was decoded before still counts.
            }
            for event in events {
                for case .toolCall(let call) in mapper.map(event) { calls.append(call) }
            }
        }
        return calls
    }
}
