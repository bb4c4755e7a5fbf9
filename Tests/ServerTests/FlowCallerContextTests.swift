// Caller context on a live call (issue 14): sipp calls with `From: "Ada Lovelace" <sip:+15550100001@…>` and
// `X-Account: 42`. The flow greets with `caller.name` and the declared `vars.sip_x_account`, then an agent step's
// instructions carry both (and the dialled number) to the model — a local OpenAI-compatible server that records
// the request and refuses it, so the flow's `on_error` hangs up.
import CallLog
import Foundation
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration), .requires(.sipp))
struct FlowCallerContextTests {
    static let flow = """
        name: context
        vars:
          sip_x_account: "none"
          sip_p_asserted_identity: "none"
        start: hello
        steps:
          hello:
            say: "Hello {{caller.name}}, account {{vars.sip_x_account}}."
            next: assistant
          assistant:
            agent:
              instructions: "The caller is {{caller.name}} ({{caller.number}}), account {{vars.sip_x_account}}, dialled {{call.to}}, identity {{vars.sip_p_asserted_identity}}."
            on_error: bye
          bye:
            hangup: done

        """

    @Test(.timeLimit(.minutes(1)))
    func theDisplayNameAndAnXHeaderReachTheFlowAndTheModelsInstructions() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let model = try await OpenAITestServer.start()
        model.enqueue(.error(status: 400, body: #"{"error":{"message":"test: refused","type":"invalid_request_error"}}"#))
        let service = try await FlowCallTestService.start(
            flows: ["context.yaml": Self.flow], in: folder, environment: ["OPENAI_API_KEY": "sk-test-not-a-secret"]
        ) {
            $0.model.cassettes = nil
            $0.model.baseURL = model.baseURL
        }
        let ear = try RTPEar()
        defer { ear.stop() }
        var stopped = false
        do {
            let sipp = try await FlowSIPp.call(
                scenario: "uac_caller_context.xml", user: "context", serverPort: service.sipPort, rtpPort: ear.port,
                in: folder.url)
            let detail = try await service.endedCall()
            await service.stop()
            try? await model.shutdown()
            stopped = true
            #expect(sipp.status == 0, "\(sipp.output.suffix(2000))")
            let text = CallLogText.detail(detail)
            #expect(detail.call.caller == "+15550100001")
            // In the flow: the greeting rendered both.
            #expect(
                detail.turns.contains { $0.role == "bot" && $0.transcript == "Hello Ada Lovelace, account 42." }, "\(text)")
            // In the model request: the instructions (system message) carry both, and the dialled number.
            let requests = model.requests
            try #require(requests.count >= 1, "no model request; \(text)")
            let body = String(decoding: requests[0].body, as: UTF8.self)
            #expect(
                body.contains("The caller is Ada Lovelace (+15550100001), account 42, dialled context, identity none."),
                "\(body.prefix(1500))")
        } catch {
            if !stopped {
                await service.stop()
                try? await model.shutdown()
            }
            throw error
        }
    }
}
