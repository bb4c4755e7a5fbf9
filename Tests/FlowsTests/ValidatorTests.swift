import Foundation
import Testing
@testable import Flows

@Suite struct ValidatorTests {
    @Test func minimalFlowIsValid() throws {
        let flow = try validFlow("name: tiny\nstart: bye\nsteps:\n  bye: {hangup: done}\n")
        #expect(flow.start == "bye")
        #expect(flow.defaults.timeouts.noInputMs == 5_000)
    }

    @Test func oversizedFileIsRejectedBeforeParsing() {
        let big = Data(repeating: UInt8(ascii: "#"), count: FlowLimits.maxFileBytes + 1)
        let result = FlowLoader.load(data: big, file: "big.yaml")
        #expect(result.diagnostics.map(\.description) == ["big.yaml:1:1: file is 1048577 bytes; flow files are limited to 1048576 bytes (1 MiB)"])
    }

    @Test func deepNestingIsAnError() {
        let deep = "name: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "\n"
        #expect(problems(deep) == ["1:38: nesting deeper than 32 levels"])
        // libyaml's own limit (1000) is reached before Yams' recursive composer could overflow the stack.
        let deeper = "name: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)
        #expect(problems(deeper).first?.contains("Maximum nesting level reached") == true)
        let blocks = (0..<100).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n") + " x\n"
        #expect(problems(blocks).count == 1)
    }

    @Test func emptyNulAndDuplicateKeys() {
        #expect(problems("") == ["1:1: file is empty: a flow needs at least `name`, `start` and `steps`"])
        #expect(problems("name: a\u{0}\n") == ["1:8: file contains a NUL character"])
        #expect(problems("name: a\nname: b\n") == ["1:1: duplicate key `name` in mapping"])
        #expect(problems("- a\n- b\n") == ["1:1: the flow must be a mapping, found a list"])
    }

    @Test func structuralProblemsAreAllReportedAtOnce() {
        let yaml = """
            name: many
            start: first
            routes:
              bad: "http://not-sip"
            hours:
              office: {mon-fry: "09:00-17:00", tue: "9-5"}
            steps:
              first:
                say: "hi"
                hangup: true
              spin:
                goto: spin
              menu:
                gather: dtmf
                prompt: "Press"
              bot:
                agent: {instructions: "x", tools: []}
                exits: {end_call: first, retries: first}
              rec:
                record: {max_seconds: 0}
                next: first
            """
        #expect(problems(yaml) == [
            "4:8: `http://not-sip` is not a SIP URI (expected sip:user@host, sips:… or tel:+number)",
            "6:3: hours `office` needs `tz` (an IANA time zone)",
            "6:12: unknown key `mon-fry` in hours `office`: expected a day (mon … sun), a range like mon-fri, `tz` or `holidays`; did you mean `mon-fri`?",
            "6:41: opening hours must look like \"09:00-17:00\", \"09:00-12:00, 13:00-17:00\", \"22:00-02:00\" (past midnight) or \"closed\"",
            "10:5: step `first` has two kinds, `say` and `hangup`: split it into two steps",
            "11:3: steps `spin` → `spin` loop without waiting for the caller: add a gather, agent or record step to the loop",
            "14:13: gather `menu` needs `on.no_input` or `next` for when the caller says nothing",
            "14:13: gather `menu` needs `on.no_match` or `next` for input that matches nothing",
            "18:13: `exits` keys are tool names of this agent, `max_turns`, `silence` or `error`, found `end_call`",
            "18:30: `exits` keys are tool names of this agent, `max_turns`, `silence` or `error`, found `retries`",
            "20:27: `max_seconds` must be between 1 and 3600, found 0",
        ])
    }

    @Test func selfLoopAndUnreachableAfterValidSteps() {
        let yaml = """
            name: spin
            start: again
            steps:
              again:
                say: "Again"
                next: again
              lonely:
                hangup: true
            """
        #expect(problems(yaml) == [
            "4:3: steps `again` → `again` loop without waiting for the caller: add a gather, agent or record step to the loop",
            "7:3: step `lonely` is never reached from `start`, `on_error` or `on_hangup`",
        ])
    }

    @Test func loopThroughAGatherIsFine() throws {
        _ = try validFlow("""
            name: menu-loop
            start: menu
            steps:
              menu:
                gather: dtmf
                prompt: "Press 1 to hear this again."
                on: {"1": again, no_input: bye, no_match: menu}
              again: {say: "Here it is again.", next: menu}
              bye: {hangup: done}
            """)
    }

    @Test func wrongTypesAreNamed() {
        let yaml = """
            name: [not, text]
            start: a
            defaults: {tts: espeek, timeouts: {no_input_ms: soon}}
            steps:
              a:
                say: {text: hi}
                interruptible: maybe
            """
        #expect(problems(yaml) == [
            "1:7: `name` must be text, found a list",
            "3:17: `defaults.tts` must be `espeak` or `model`; did you mean `espeak`?",
            "3:49: `no_input_ms` must be a whole number",
            "6:10: `say` must be text, found a mapping",
            "7:20: `interruptible` must be true or false",
        ])
    }

    @Test func builtinToolsGetDefaultSchemas() throws {
        let flow = try validFlow("""
            name: builtins
            routes: {billing: "sip:b@x.test", human: "sip:h@x.test"}
            tools:
              transfer_call: {description: Transfer., builtin: transfer_call}
            start: a
            steps:
              a: {hangup: done}
            """)
        let schema = try #require(flow.tools["transfer_call"]?.parameters)
        #expect(schema["type"] == .string("object"))
        #expect(schema["properties"]?["route"]?["enum"] == .array([.string("billing"), .string("human")]))
    }
}
