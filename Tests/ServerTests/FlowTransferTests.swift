// Blind transfers on live calls (issue 14) against sipp as the caller's PBX: a REFER refused with 405 and a
// NOTIFY sipfrag 486 both send the flow to `on_failure` while the caller stays connected and hears it (the RTP
// that reaches the caller carries the apology after the refusal); a REFER accepted and completed ends the call
// with end reason `transferred` and the route's URI — the configuration's override of the flow's route — in
// the call log.
import CallLog
import Foundation
import Testing

@Suite(.serialized, .tags(.integration), .requires(.sipp))
struct FlowTransferTests {
    static let flow = """
        name: transfers
        routes:
          desk: sip:desk@pbx.example.com
        start: to_desk
        steps:
          to_desk:
            transfer: desk
            on_failure: sorry
          sorry:
            say: "Sorry, the desk cannot take your call right now."
            next: bye
          bye:
            hangup: transfer failed

        """

    struct Outcome {
        var sipp: (status: Int32, output: String)
        var detail: CallDetail
        var heard: [RTPEar.Packet]
        var text: String { CallLogText.detail(detail) }
    }

    static func place(_ scenario: String) async throws -> Outcome {
        let folder = try TempFolder()
        defer { folder.remove() }
        let service = try await FlowCallTestService.start(flows: ["transfers.yaml": flow], in: folder) {
            // The deployment's URI for the flow's `desk` route.
            $0.routes = ["desk": "sip:desk@127.0.0.1:5099"]
        }
        let ear = try RTPEar()
        defer { ear.stop() }
        do {
            let sipp = try await FlowSIPp.call(
                scenario: scenario, user: "transfers", serverPort: service.sipPort, rtpPort: ear.port, in: folder.url)
            let detail = try await service.endedCall()
            await service.stop()
            return Outcome(sipp: sipp, detail: detail, heard: ear.packets)
        } catch {
            await service.stop()
            throw error
        }
    }

    /// The caller heard the apology: at least 1.5 s of non-silent PCMU after the refusal.
    static func expectApologyHeard(_ outcome: Outcome) {
        let loud = outcome.heard.filter { $0.payloadType == 0 && $0.peak > 2_000 }
        #expect(loud.count >= 75, "\(loud.count) packets with sound of \(outcome.heard.count)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aREFERRefusedWith405TakesOnFailureAndTheCallerHearsIt() async throws {
        let outcome = try await Self.place("uac_refer_refused_405.xml")
        #expect(outcome.sipp.status == 0, "\(outcome.sipp.output.suffix(2000))")
        #expect(outcome.detail.call.endReason == "completed", "\(outcome.text)")
        #expect(outcome.detail.call.finalRoute == nil)
        #expect(outcome.text.contains("405"), "\(outcome.text)")
        #expect(outcome.detail.turns.contains { $0.role == "bot" && $0.transcript.contains("Sorry, the desk") }, "\(outcome.text)")
        Self.expectApologyHeard(outcome)
    }

    @Test(.timeLimit(.minutes(1)))
    func aNOTIFY486TakesOnFailureAndTheCallerHearsIt() async throws {
        let outcome = try await Self.place("uac_refer_notify_486.xml")
        #expect(outcome.sipp.status == 0, "\(outcome.sipp.output.suffix(2000))")
        #expect(outcome.detail.call.endReason == "completed", "\(outcome.text)")
        #expect(outcome.text.contains("486"), "\(outcome.text)")
        #expect(outcome.detail.turns.contains { $0.role == "bot" && $0.transcript.contains("Sorry, the desk") }, "\(outcome.text)")
        Self.expectApologyHeard(outcome)
    }

    @Test(.timeLimit(.minutes(1)))
    func aCompletedTransferEndsTheCallAsTransferredToTheConfiguredRoute() async throws {
        let outcome = try await Self.place("uac_refer_completed.xml")
        #expect(outcome.sipp.status == 0, "\(outcome.sipp.output.suffix(2000))")
        #expect(outcome.detail.call.endReason == "transferred", "\(outcome.text)")
        #expect(outcome.detail.call.finalRoute == "sip:desk@127.0.0.1:5099", "\(outcome.text)")
        #expect(!outcome.detail.turns.contains { $0.role == "bot" }, "nothing was said after the transfer")
    }
}
