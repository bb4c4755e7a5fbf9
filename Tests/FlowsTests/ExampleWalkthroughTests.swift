import Foundation
import Testing
@testable import Flows
import SwitchboardCore

/// Walks each example flow in flows/ through the interpreter on a virtual timeline.
@Suite struct ExampleWalkthroughTests {
    static func load(_ name: String) throws -> Flow {
        try FlowLoader.loadValid(data: try RepoFiles.example(name), file: name)
    }

    static func utc(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0)
    }

    @Test func supportAgentVerifiesLooksUpAndTransfersToBilling() throws {
        var call = InterpreterHarness(try Self.load("support.yaml"))
        let greeting = call.start(at: Self.utc("2026-11-23T09:00:00Z"))  // Monday 10:00 in Berlin
        #expect(spoken(greeting) == ["Thank you for calling Acme Telecom."])
        let menu = call.finishPrompts(in: greeting, at: 2_000)
        #expect(spoken(menu).first?.hasPrefix("For billing press 1") == true)
        let agent = call.send(.dtmf("2"), at: 3_000)
        let start = try #require(modelRequests(agent).first)
        #expect(start.step == "assistant")
        #expect(start.instructions.contains("The caller's number is +4915112345678."))
        #expect(start.tools.map(\.name) == ["verify_caller", "lookup_account", "transfer_call", "end_call"])

        let ask = call.send(.modelReply(ModelReply(text: "Hi! What is your PIN?")), at: 4_000)
        _ = call.finishPrompts(in: ask, at: 6_000)
        call.send(.speechTurn(transcript: "1234"), at: 8_000)
        let verify = ToolCall(id: "t1", name: "verify_caller", arguments: .object(["pin": .string("1234")]))
        let verifying = call.send(.modelReply(ModelReply(text: nil, toolCalls: [verify])), at: 8_500)
        #expect(toolCalls(verifying) == [verify])
        call.send(.toolResult(ToolResult(id: "t1", outcome: .success(.object(["verified": .bool(true)])))), at: 8_600)
        let lookup = ToolCall(id: "t2", name: "lookup_account", arguments: .object([:]))
        call.send(.modelReply(ModelReply(text: nil, toolCalls: [lookup])), at: 9_000)
        let answered = call.send(.toolResult(ToolResult(id: "t2", outcome: .success(.object(["balance": .number(42.5)])))), at: 9_100)
        #expect(modelRequests(answered).first?.trigger == .toolResults([ToolResult(id: "t2", outcome: .success(.object(["balance": .number(42.5)])))]))
        let transfer = ToolCall(id: "t3", name: "transfer_call", arguments: .object(["route": .string("billing")]))
        let leaving = call.send(.modelReply(ModelReply(text: "Your balance is 42.50. I'll connect you to billing.", toolCalls: [transfer])), at: 10_000)
        let announcement = call.finishPrompts(in: leaving, at: 13_000)
        #expect(spoken(announcement) == ["Connecting you to billing."])
        let transferring = call.finishPrompts(in: announcement, at: 14_000)
        #expect(transferring.contains(.transfer(uri: "sip:billing@pbx.example.com", route: "billing")))
        let done = call.send(.transferResult(failure: nil), at: 16_000)
        #expect(outcome(done) == .transferred(uri: "sip:billing@pbx.example.com"))
    }

    @Test func supportOutsideHoursOverflowsToVoicemailDesk() throws {
        var call = InterpreterHarness(try Self.load("support.yaml"))
        let greeting = call.start(at: Self.utc("2026-11-22T12:00:00Z"))  // Sunday: office closed
        _ = call.finishPrompts(in: greeting, at: 2_000)
        let announcement = call.send(.dtmf("1"), at: 3_000)
        #expect(call.interpreter.variables["department"] == .string("billing"))
        let transferring = call.finishPrompts(in: announcement, at: 4_000)
        #expect(transferring.contains(.transfer(uri: "sip:voicemail@pbx.example.com", route: "voicemail_desk")))
    }

    @Test func supportNoInputTwiceThenTransfersToAHuman() throws {
        var call = InterpreterHarness(try Self.load("support.yaml"))
        var actions = call.finishPrompts(in: call.start(at: Self.utc("2026-11-23T09:00:00Z")), at: 2_000)
        var reprompts = 0
        for round in 0..<3 {
            let finished = call.finishPrompts(in: actions, at: 10_000 * (round + 1))
            let timer = try #require(timers(finished).first)
            actions = call.send(.timerFired(timer.0), at: 10_000 * (round + 1) + 5_000)
            if spoken(actions).first?.hasPrefix("Sorry, I didn't catch that.") == true { reprompts += 1 }
        }
        #expect(reprompts == 2)
        #expect(spoken(actions) == ["Please hold while I connect you to a colleague."])
        let transferring = call.finishPrompts(in: actions, at: 60_000)
        #expect(transferring.contains(.transfer(uri: "sip:agents@pbx.example.com", route: "human")))
        #expect(outcome(call.send(.transferResult(failure: nil), at: 62_000)) == .transferred(uri: "sip:agents@pbx.example.com"))
        // on_hangup is not run after the flow ended.
        #expect(call.send(.hangUp, at: 63_000).isEmpty)
    }

    @Test func supportModelFailureApologizes() throws {
        var call = InterpreterHarness(try Self.load("support.yaml"))
        _ = call.finishPrompts(in: call.start(), at: 2_000)
        call.send(.speechTurn(transcript: "my internet is down"), at: 4_000)
        let sorry = call.send(.modelFailed(reason: "HTTP 500"), at: 5_000)
        #expect(spoken(sorry) == ["I'm sorry, something went wrong on our side. Please try again later."])
        #expect(outcome(call.finishPrompts(in: sorry, at: 9_000)) == .hungUp(reason: "error fallback"))
    }

    @Test func appointmentsAgentMovesTheAppointment() throws {
        var call = InterpreterHarness(try Self.load("appointments.yaml"))
        let welcome = call.start(caller: "+12125550100")
        let greeting = call.finishPrompts(in: welcome, at: 3_000)
        #expect(spoken(greeting) == ["To find your appointment, please tell me your date of birth."])
        _ = call.finishPrompts(in: greeting, at: 6_000)
        let first = call.send(.speechTurn(transcript: "March 3rd 1980"), at: 9_000)
        #expect(modelRequests(first).first?.isNewConversation == true)
        let find = ToolCall(id: "f", name: "find_appointment", arguments: .object(["phone": .string("+12125550100"), "date_of_birth": .string("1980-03-03")]))
        #expect(toolCalls(call.send(.modelReply(ModelReply(text: nil, toolCalls: [find])), at: 9_500)) == [find])
        let told = call.send(.toolResult(ToolResult(id: "f", outcome: .success(.object(["id": .string("A17")])))), at: 9_700)
        #expect(modelRequests(told).count == 1)
        _ = call.finishPrompts(in: call.send(.modelReply(ModelReply(text: "It's Tuesday at 10. Move it?")), at: 10_000), at: 12_000)
        call.send(.speechTurn(transcript: "Yes, to Thursday at 2"), at: 15_000)
        let move = ToolCall(id: "m", name: "move_appointment", arguments: .object(["appointment_id": .string("A17"), "slot_id": .string("S9")]))
        call.send(.modelReply(ModelReply(text: nil, toolCalls: [move])), at: 15_500)
        call.send(.toolResult(ToolResult(id: "m", outcome: .success(.object(["moved": .bool(true)])))), at: 16_000)
        let end = ToolCall(id: "e", name: "end_call", arguments: .object([:]))
        let goodbye = call.send(.modelReply(ModelReply(text: nil, toolCalls: [end])), at: 16_500)
        #expect(spoken(goodbye) == ["Thank you for calling Riverside Clinic. Goodbye."])
        #expect(outcome(call.finishPrompts(in: goodbye, at: 19_000)) == .hungUp(reason: "caller done"))
    }

    @Test func appointmentsToolFailureReachesTheFrontDesk() throws {
        var call = InterpreterHarness(try Self.load("appointments.yaml"))
        _ = call.finishPrompts(in: call.finishPrompts(in: call.start(), at: 3_000), at: 6_000)
        call.send(.speechTurn(transcript: "hello"), at: 8_000)
        let announcement = call.send(.modelFailed(reason: "timeout"), at: 9_000)
        #expect(spoken(announcement) == ["Let me put you through to our front desk."])
        #expect(call.finishPrompts(in: announcement, at: 11_000).contains(.transfer(uri: "sip:frontdesk@clinic.example.org", route: "front_desk")))
    }

    @Test func afterHoursConnectsDuringOfficeHours() throws {
        var call = InterpreterHarness(try Self.load("after-hours.yaml"))
        let actions = call.start(at: Self.utc("2026-11-23T10:00:00Z"))  // Monday 10:00 London
        #expect(spoken(actions) == ["Connecting you to reception."])
    }

    @Test func afterHoursTakesAVoicemailAndNotifiesTheOffice() throws {
        var call = InterpreterHarness(try Self.load("after-hours.yaml"))
        let closed = call.start(caller: "+33612345678", at: Self.utc("2026-11-22T10:00:00Z"))  // Sunday
        #expect(spoken(closed) == ["Thank you for calling. Our office is closed right now."])
        let offer = call.finishPrompts(in: closed, at: 3_000)
        _ = call.finishPrompts(in: offer, at: 6_000)
        let prompt = call.send(.dtmf("1"), at: 7_000)
        #expect(spoken(prompt).first?.hasPrefix("Please leave your message") == true)
        let beep = call.finishPrompts(in: prompt, at: 11_000)
        let record = call.finishPrompts(in: beep, at: 11_300)
        #expect(record == [.record(RecordConfig(maxSeconds: 120, silenceTimeoutMs: 4_000, terminator: "#"))])
        let notify = call.send(.recordFinished(Recording(reference: "vm/1.wav", durationMs: 20_000, endedBy: .silence)), at: 31_300)
        let tool = try #require(toolCalls(notify).first)
        #expect(tool.arguments == .object(["caller": .string("+33612345678"), "file": .string("vm/1.wav"), "duration_ms": .number(20_000)]))
        let thanks = call.send(.toolResult(ToolResult(id: tool.id, outcome: .failure("HTTP 500"))), at: 32_000)
        #expect(spoken(thanks) == ["Thank you, we will call you back. Goodbye."])
    }

    @Test func afterHoursUKCallerHearsHoursAndHangupRunsHandler() throws {
        var call = InterpreterHarness(try Self.load("after-hours.yaml"))
        let closed = call.start(caller: "+447700900123", at: Self.utc("2026-12-25T11:00:00Z"))  // holiday
        #expect(spoken(closed).first?.hasPrefix("Thanks for calling. We are open Monday to Friday") == true)
        let ended = call.send(.hangUp, at: 2_000)
        #expect(ended.contains(.setVariable(name: "call_summary", value: .string("caller +447700900123 hung up"))))
        #expect(outcome(ended) == .callerHungUp)
    }
}
