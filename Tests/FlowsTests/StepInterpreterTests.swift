import Foundation
import Testing
@testable import Flows
import SwitchboardCore

@Suite struct StepInterpreterTests {
    @Test func sayThenSetThenSwitchThenHangupWithGoodbye() throws {
        let flow = try validFlow("""
            name: chain
            vars: {count: 1}
            start: hello
            steps:
              hello:
                say: "Hello {{caller.number}}, count {{vars.count}}."
                interruptible: false
                next: bump
              bump:
                set:
                  count: {expr: "vars.count + 1"}
                  greeting: "hi {{caller.name}}"
                  flag: true
                next: decide
              decide:
                switch:
                  - if: vars.count >= 3
                    goto: many
                  - if: vars.count == 2 and vars.flag and caller.number in ["+4915112345678", "+1"]
                    goto: two
                default: many
              two:
                hangup: two
                goodbye: "Bye {{vars.greeting}}."
              many: {hangup: many}
            """)
        var harness = InterpreterHarness(flow)
        let first = harness.start()
        guard case .play(let prompt)? = first.first else {
            Issue.record("expected a prompt first, got \(first)")
            return
        }
        #expect(prompt.content == .text("Hello +4915112345678, count 1."))
        #expect(prompt.interruptible == false)
        #expect(harness.interpreter.currentStep == "hello")
        let next = harness.finishPrompts(in: first, at: 2000)
        #expect(next.contains(.setVariable(name: "count", value: .number(2))))
        #expect(next.contains(.setVariable(name: "greeting", value: .string("hi Ada"))))
        #expect(spoken(next) == ["Bye hi Ada."])
        #expect(harness.interpreter.currentStep == "two")
        let last = harness.finishPrompts(in: next, at: 3000)
        #expect(last == [.hangUp(reason: "two"), .endOfFlow(.hungUp(reason: "two"))])
        #expect(harness.interpreter.isFinished)
        #expect(harness.send(.dtmf("1"), at: 4000).isEmpty)
    }

    static let toolFlow = """
        name: tools
        tools:
          check:
            description: Check something.
            webhook: {url: "https://hooks.test/check", secret_env: HOOK_SECRET, timeout_ms: 2000}
            parameters:
              type: object
              properties:
                who: {type: string}
                n: {type: number}
              required: [who]
        vars: {n: 3}
        start: run
        steps:
          run:
            tool: check
            args: {who: "{{caller.number}}", n: "{{vars.n}}", fixed: [1, "x"]}
            store: result
            next: ok
            on_error: failed
          ok: {say: "Status {{vars.result.status}}."}
          failed: {say: "Failed: {{vars.error}}"}
        """

    @Test func toolStepSuccessStoresResult() throws {
        var harness = InterpreterHarness(try validFlow(Self.toolFlow))
        let call = try #require(toolCalls(harness.start()).first)
        #expect(call.name == "check")
        #expect(call.arguments == .object(["who": .string("+4915112345678"), "n": .number(3), "fixed": .array([.number(1), .string("x")])]))
        #expect(harness.send(.toolResult(ToolResult(id: "other", outcome: .success(.null))), at: 10).isEmpty)
        let next = harness.send(.toolResult(ToolResult(id: call.id, outcome: .success(.object(["status": .string("active")])))), at: 50)
        #expect(spoken(next) == ["Status active."])
        // A say without `next` ends the call after it.
        #expect(outcome(harness.finishPrompts(in: next, at: 900)) == .hungUp(reason: "end of flow"))
    }

    @Test func toolStepErrorGoesToOnError() throws {
        var harness = InterpreterHarness(try validFlow(Self.toolFlow))
        let call = try #require(toolCalls(harness.start()).first)
        let next = harness.send(.toolResult(ToolResult(id: call.id, outcome: .failure("timeout"))), at: 2000)
        #expect(spoken(next) == ["Failed: tool check failed: timeout"])
    }

    @Test func onHangupRunsNonAudioSteps() throws {
        let flow = try validFlow("""
            name: hangup-handler
            start: wait
            on_hangup: note
            steps:
              wait:
                gather: dtmf
                prompt: "Press a key."
                on: {no_input: wait_more, no_match: wait_more}
              wait_more: {say: "Still here."}
              note:
                set: {hung_up: true}
                next: farewell
              farewell: {say: "never heard"}
            """)
        var harness = InterpreterHarness(flow)
        let first = harness.start()
        let actions = harness.send(.hangUp, at: 1000)
        #expect(actions.contains(.setVariable(name: "hung_up", value: .bool(true))))
        #expect(spoken(actions).isEmpty)
        #expect(outcome(actions) == .callerHungUp)
        #expect(harness.finishPrompts(in: first, at: 1100).isEmpty)
    }

    @Test func transferFailureFallsBackToOverflowRoute() throws {
        let flow = try validFlow("""
            name: overflow
            routes:
              sales: {uri: "sip:sales@pbx.test", overflow: backup}
              backup: sip:backup@pbx.test
            start: go
            steps:
              go:
                transfer: sales
                announcement: "Connecting."
                on_failure: sorry
              sorry: {hangup: nobody}
            """)
        var harness = InterpreterHarness(flow)
        let first = harness.start()
        #expect(spoken(first) == ["Connecting."])
        let transfer = harness.finishPrompts(in: first, at: 800)
        #expect(transfer.contains(.transfer(uri: "sip:sales@pbx.test", route: "sales")))
        let retry = harness.send(.transferResult(failure: "486 Busy Here"), at: 3000)
        #expect(retry.contains(.transfer(uri: "sip:backup@pbx.test", route: "backup")))
        let last = harness.send(.transferResult(failure: "408 timeout"), at: 9000)
        #expect(outcome(last) == .hungUp(reason: "nobody"))
    }

    @Test func recordStoresTheVoicemail() throws {
        let flow = try validFlow("""
            name: rec
            start: vm
            steps:
              vm:
                record: {max_seconds: 60, silence_timeout_ms: 3000, terminator: "#"}
                prompt: "Leave a message."
                store: message
                next: done
              done: {hangup: "recorded"}
            """)
        var harness = InterpreterHarness(flow)
        let first = harness.start()
        #expect(spoken(first) == ["Leave a message."])
        let beep = harness.finishPrompts(in: first, at: 1000)
        #expect(spoken(beep) == ["beep"])
        let record = harness.finishPrompts(in: beep, at: 1300)
        #expect(record == [.record(RecordConfig(maxSeconds: 60, silenceTimeoutMs: 3000, terminator: "#"))])
        let last = harness.send(.recordFinished(Recording(reference: "rec/call-1.wav", durationMs: 12_500, endedBy: .terminator)), at: 14_000)
        #expect(harness.interpreter.variables["message"] == .object([
            "file": .string("rec/call-1.wav"), "duration_ms": .number(12_500), "ended_by": .string("terminator"),
        ]))
        #expect(outcome(last) == .hungUp(reason: "recorded"))
    }

    @Test func businessHoursSwitchAtTwoFixedTimes() throws {
        let flow = try validFlow("""
            name: hours
            hours:
              office: {tz: Europe/Berlin, mon-fri: "09:00-17:00", sat: closed}
            start: check
            steps:
              check:
                switch:
                  - if: business_hours("office")
                    goto: open
                default: closed
              open: {hangup: open}
              closed: {hangup: closed}
            """)
        // 2026-11-23 is a Monday. 10:30 Berlin (09:30 UTC) is open; 18:00 Berlin (17:00 UTC) is closed.
        let open = Date(timeIntervalSince1970: 1_795_426_200)  // 2026-11-23T09:30:00Z
        let closed = Date(timeIntervalSince1970: 1_795_453_200)  // 2026-11-23T17:00:00Z
        var morning = InterpreterHarness(flow)
        #expect(outcome(morning.start(at: open)) == .hungUp(reason: "open"))
        var evening = InterpreterHarness(flow)
        #expect(outcome(evening.start(at: closed)) == .hungUp(reason: "closed"))
    }
}

@Suite struct TransferTemplateTests {
    @Test func templatedURIIsCheckedWhenTheStepRuns() throws {
        let flow = try validFlow("""
            name: templated
            vars: {target: "not a uri"}
            start: go
            steps:
              go:
                transfer: "{{vars.target}}"
                on_failure: sorry
              sorry: {hangup: bad target}
            """)
        var harness = InterpreterHarness(flow)
        #expect(outcome(harness.start()) == .hungUp(reason: "bad target"))
        #expect(harness.interpreter.variables["error"] == .string("`not a uri` is not a SIP URI"))
    }
}

@Suite struct GotoAndAudioTests {
    @Test func gotoJumpsAndAudioPromptsPlayFiles() throws {
        let flow = try validFlow("""
            name: jump
            start: first
            steps:
              first: {goto: jingle}
              jingle:
                audio: prompts/jingle.wav
                voice: nova
                next: end
              end: {hangup: played}
            """)
        var harness = InterpreterHarness(flow)
        let first = harness.start()
        #expect(spoken(first) == ["audio:prompts/jingle.wav"])
        #expect(harness.interpreter.currentStep == "jingle")
        guard case .play(let prompt)? = first.first else {
            Issue.record("expected a prompt")
            return
        }
        #expect(prompt.interruptible)
        #expect(prompt.voice == "nova")
        #expect(prompt.tts == "espeak")
        #expect(outcome(harness.finishPrompts(in: first, at: 4_000)) == .hungUp(reason: "played"))
    }
}
