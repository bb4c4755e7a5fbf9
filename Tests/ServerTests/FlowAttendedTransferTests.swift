// Attended (warm) transfers on live calls (issue 14), with sipp as both the caller's PBX and the transfer
// target on 127.0.0.1: Switchboard calls the target (its second leg), the whisper's RTP reaches the target,
// then (1) the caller's side accepts the REFER whose Refer-To carries a Replaces naming exactly that second
// leg (its Call-ID and tags, compared through sipp's message logs) and the call ends `transferred` with the
// route; (2) the caller's side refuses the REFER (405), so Switchboard bridges the legs: the caller's RTP goes
// through the target (which echoes it) and back to the caller, and the caller's BYE brings a BYE to the
// target; (3) a busy target (486) sends the flow to `on_failure`, which the caller hears; (4) a target that
// rings past `answer_timeout` gets a CANCEL and the flow takes `on_failure` too.
import CallLog
import Foundation
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration), .requires(.sipp))
struct FlowAttendedTransferTests {
    static let flow = """
        name: warm
        routes:
          desk: sip:desk@pbx.example.com
        start: remember
        steps:
          remember:
            set: {summary: "an invoice question"}
            next: hand_over
          hand_over:
            transfer: desk
            mode: attended
            whisper: "Caller {{caller.number}} about {{vars.summary}}."
            answer_timeout: 5
            on_failure: sorry
          sorry:
            say: "Sorry, the desk cannot take your call right now."
            next: bye
          bye:
            hangup: transfer failed

        """

    struct Outcome {
        var caller: (status: Int32, output: String)
        var target: (status: Int32, output: String)
        var detail: CallDetail
        var text: String { CallLogText.detail(detail) }
        /// The message logs of both sipp runs (`-trace_msg`), by scenario file prefix.
        var messages: [String: String]
        var targetRTP: (received: Int, loud: Int)
        var callerRTP: (received: Int, loud: Int)
        var heard: [RTPEar.Packet]
    }

    /// One call: `targetScenario` answers on the route's port, `callerScenario` calls the flow. With `talk`,
    /// the caller's RTP is a tone and the target echoes what it gets (a bridged call carries audio both ways).
    static func place(
        caller callerScenario: String, target targetScenario: String, talk: Bool = false, flow: String = FlowAttendedTransferTests.flow
    ) async throws -> Outcome {
        let folder = try TempFolder()
        defer { folder.remove() }
        let targetPort = try UDPTestSocket.freePort()
        let service = try await FlowCallTestService.start(flows: ["warm.yaml": flow], in: folder) {
            $0.routes = ["desk": "sip:desk@127.0.0.1:\(targetPort)"]
        }
        let targetMedia = try RTPLoopPeer(echo: true)
        let callerMedia = try RTPLoopPeer(echo: false)
        let ear = try RTPEar()
        defer {
            targetMedia.stop()
            callerMedia.stop()
            ear.stop()
        }
        if talk { callerMedia.talk(seconds: 12) }
        do {
            async let target = FlowSIPp.answer(
                scenario: targetScenario, sipPort: targetPort, rtpPort: targetMedia.port, in: folder.url, timeout: 20,
                extraArguments: ["-trace_msg"])
            try await Task.sleep(for: .milliseconds(300))  // the target's sipp is listening
            let caller = try await FlowSIPp.call(
                scenario: callerScenario, user: "warm", serverPort: service.sipPort, rtpPort: talk ? callerMedia.port : ear.port,
                in: folder.url, timeout: 20, extraArguments: ["-trace_msg"])
            let answered = try await target
            let detail = try await service.endedCall()
            await service.stop()
            var messages: [String: String] = [:]
            for file in (try? FileManager.default.contentsOfDirectory(atPath: folder.url.path)) ?? [] where file.hasSuffix("_messages.log") {
                let text = (try? String(contentsOf: folder.url.appendingPathComponent(file), encoding: .utf8)) ?? ""
                messages[file.hasPrefix("uas") ? "target" : "caller"] = text
            }
            return Outcome(
                caller: caller, target: answered, detail: detail, messages: messages,
                targetRTP: (targetMedia.received, targetMedia.loud), callerRTP: (callerMedia.received, callerMedia.loud),
                heard: ear.packets)
        } catch {
            await service.stop()
            throw error
        }
    }

    /// The first value of header `name` in the first message of `log` that has it.
    static func header(_ name: String, in log: String, where match: (String) -> Bool = { _ in true }) -> String? {
        for line in log.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.lowercased().hasPrefix(name.lowercased() + ":"), match(text) {
                return String(text.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    static func tag(_ value: String?) -> String? {
        guard let value, let range = value.range(of: ";tag=") else { return nil }
        return String(value[range.upperBound...].prefix { $0 != ";" && $0 != ">" && !$0.isWhitespace })
    }

    @Test(.timeLimit(.minutes(1)))
    func anAttendedTransferWhispersToTheTargetAndREFERsWithReplaces() async throws {
        let outcome = try await Self.place(caller: "uac_attended_refer.xml", target: "uas_attended_target.xml")
        #expect(outcome.caller.status == 0, "\(outcome.caller.output.suffix(2000))")
        #expect(outcome.target.status == 0, "the target gets our BYE once its leg is replaced: \(outcome.target.output.suffix(2000))")
        #expect(outcome.detail.call.endReason == "transferred", "\(outcome.text)")
        #expect(outcome.detail.call.finalRoute?.hasPrefix("sip:desk@127.0.0.1:") == true, "\(outcome.text)")
        #expect(outcome.text.contains("whisper"), "\(outcome.text)")
        // The whisper reached the target: at least 0.5 s of sound.
        #expect(outcome.targetRTP.loud >= 25, "\(outcome.targetRTP)")
        // The Replaces names the target's leg: its Call-ID, the target's tag as to-tag, ours as from-tag.
        let target = try #require(outcome.messages["target"])
        let caller = try #require(outcome.messages["caller"])
        let callID = try #require(Self.header("Call-ID", in: target))
        let fromTag = try #require(Self.tag(Self.header("From", in: target)))
        let toTag = try #require(Self.tag(Self.header("To", in: target) { $0.contains("tag=") }))
        let referTo = try #require(Self.header("Refer-To", in: caller))
        let escapedCallID = callID.replacingOccurrences(of: "@", with: "%40")
        #expect(referTo.hasPrefix("<sip:desk@127.0.0.1:"), "\(referTo)")
        #expect(referTo.hasSuffix("?Replaces=\(escapedCallID)%3Bto-tag%3D\(toTag)%3Bfrom-tag%3D\(fromTag)>"), "\(referTo)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aREFERRefusedWith405BridgesTheLegsUntilTheCallerHangsUp() async throws {
        let outcome = try await Self.place(caller: "uac_attended_refused_405.xml", target: "uas_attended_target.xml", talk: true)
        #expect(outcome.caller.status == 0, "\(outcome.caller.output.suffix(2000))")
        #expect(outcome.target.status == 0, "the target gets a BYE after the caller's: \(outcome.target.output.suffix(2000))")
        #expect(outcome.detail.call.endReason == "transferred", "\(outcome.text)")
        #expect(outcome.text.contains("bridged"), "\(outcome.text)")
        // The caller's tone went to the target, which echoed it, and came back to the caller: both directions.
        #expect(outcome.targetRTP.loud >= 50, "\(outcome.targetRTP)")
        #expect(outcome.callerRTP.loud >= 50, "the caller heard its audio back through the target: \(outcome.callerRTP)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aTargetRingingPastTheAnswerTimeoutIsCancelledAndOnFailureRuns() async throws {
        let quick = Self.flow.replacingOccurrences(of: "answer_timeout: 5", with: "answer_timeout: 2")
        let outcome = try await Self.place(caller: "uac_wait_bye.xml", target: "uas_ring_no_answer.xml", flow: quick)
        #expect(outcome.caller.status == 0, "\(outcome.caller.output.suffix(2000))")
        #expect(outcome.target.status == 0, "the ringing target got a CANCEL: \(outcome.target.output.suffix(2000))")
        #expect(outcome.detail.call.endReason == "completed", "\(outcome.text)")
        #expect(outcome.text.contains("no_answer"), "\(outcome.text)")
        #expect(outcome.detail.turns.contains { $0.role == "bot" && $0.transcript.contains("Sorry, the desk") }, "\(outcome.text)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aBusyTargetTakesOnFailureAndTheCallerHearsIt() async throws {
        let outcome = try await Self.place(caller: "uac_wait_bye.xml", target: "uas_busy.xml")
        #expect(outcome.caller.status == 0, "\(outcome.caller.output.suffix(2000))")
        #expect(outcome.target.status == 0, "\(outcome.target.output.suffix(2000))")
        #expect(outcome.detail.call.endReason == "completed", "\(outcome.text)")
        #expect(outcome.text.contains("busy") && outcome.text.contains("486"), "\(outcome.text)")
        #expect(outcome.detail.turns.contains { $0.role == "bot" && $0.transcript.contains("Sorry, the desk") }, "\(outcome.text)")
        let loud = outcome.heard.filter { $0.payloadType == 0 && $0.peak > 2_000 }
        #expect(loud.count >= 75, "\(loud.count) packets with sound of \(outcome.heard.count)")
    }
}
