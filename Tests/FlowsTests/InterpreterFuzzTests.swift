import Foundation
import Testing
@testable import Flows
import SwitchboardCore

/// Random event sequences against the example flows: the interpreter must never trap, must answer stale or
/// unexpected events with nothing harmful, and `.endOfFlow` must be the very last action it ever emits.
@Suite struct InterpreterFuzzTests {
    @Test(arguments: ["support.yaml", "appointments.yaml", "after-hours.yaml"])
    func randomEventsKeepInvariants(_ name: String) throws {
        let flow = try FlowLoader.loadValid(data: try RepoFiles.example(name), file: name)
        var random = FuzzTests.Random(state: 0xDEAD_BEEF_CAFE_F00D &+ UInt64(name.count))
        for run in 0..<150 {
            var harness = InterpreterHarness(flow)
            harness.start(at: Date(timeIntervalSince1970: 1_795_000_000 + Double(run) * 3_917))
            var lastPrompt = 1
            var lastTools: [String] = []
            var lastTimer = FlowTimerID(kind: .noInput, generation: 1)
            var ended = false
            for step in 1...60 {
                let event: FlowEvent
                switch random.below(12) {
                case 0, 1: event = .playbackFinished(random.below(3) == 0 ? random.below(20) : lastPrompt)
                case 2: event = .dtmf(Array("0123456789*#")[random.below(12)])
                case 3: event = .timerFired(random.below(4) == 0 ? FlowTimerID(kind: .silence, generation: random.below(9)) : lastTimer)
                case 4: event = .speechTurn(transcript: random.below(2) == 0 ? nil : "one please")
                case 5:
                    let names = flow.toolOrder + ["bogus"]
                    let calls = (0..<random.below(3)).map { index in
                        ToolCall(id: "m\(step)-\(index)", name: names[random.below(names.count)], arguments: .object(["route": .string("billing")]))
                    }
                    event = .modelReply(ModelReply(text: random.below(2) == 0 ? nil : "ok", toolCalls: calls, alreadySpoken: random.below(3) == 0))
                case 6: event = .modelFailed(reason: "boom")
                case 7:
                    let id = lastTools.isEmpty ? "none" : lastTools[random.below(lastTools.count)]
                    event = .toolResult(ToolResult(id: id, outcome: random.below(3) == 0 ? .failure("x") : .success(.object([:]))))
                case 8: event = .transferResult(failure: random.below(2) == 0 ? nil : "busy")
                case 9: event = .recordFinished(Recording(reference: "r.wav", durationMs: 1_000, endedBy: .silence))
                case 10 where random.below(4) == 0: event = .hangUp
                default: event = .playbackFinished(lastPrompt)
                }
                let actions = harness.send(event, at: step * 700)
                if ended {
                    #expect(actions.isEmpty, "actions after the end: \(actions)")
                }
                if let index = actions.firstIndex(where: { if case .endOfFlow = $0 { return true } else { return false } }) {
                    #expect(index == actions.count - 1)
                    ended = true
                }
                lastPrompt = promptIDs(actions).last ?? lastPrompt
                lastTimer = timers(actions).last?.0 ?? lastTimer
                let ids = toolCalls(actions).map(\.id)
                if !ids.isEmpty { lastTools = ids }
            }
            #expect(ended == harness.interpreter.isFinished)
        }
    }
}
