// Issue 15: the cap on concurrent outbound calls and the outcomes of calls that are never answered — a peer
// that never answers rings out (our CANCEL, `no_answer`), the call past the cap is refused without a packet
// (`over_capacity`); and the pure classification of final statuses (486 busy, 480 no answer, 503 failed).
import SwitchboardTestKit
import Bridges
import Foundation
import NIOCore
import SIP
import Testing

@Suite("SIP outbound calls: cap and outcomes", .tags(.integration))
struct SIPOutboundCapTests {
    @Test func outcomesOfUnansweredCalls() {
        #expect(SIPOutboundResult.classify(.rejected(statusCode: 486), rangOut: false) == .init(outcome: .busy, sipStatus: 486))
        #expect(SIPOutboundResult.classify(.rejected(statusCode: 600), rangOut: false).outcome == .busy)
        #expect(SIPOutboundResult.classify(.rejected(statusCode: 480), rangOut: false).outcome == .noAnswer)
        #expect(SIPOutboundResult.classify(.rejected(statusCode: 503), rangOut: false) == .init(outcome: .failed, sipStatus: 503))
        #expect(SIPOutboundResult.classify(.localHangUp, rangOut: true) == .init(outcome: .noAnswer, sipStatus: 487))
        #expect(SIPOutboundResult.classify(.timeout, rangOut: false) == .init(outcome: .failed, sipStatus: nil))
    }

    @Test(.timeLimit(.minutes(1)))
    func theCallPastTheCapIsRefusedAndASilentPeerRingsOut() async throws {
        let server = try await NetworkTestServer.start(host: "127.0.0.1") { $0.maxOutboundCalls = 1 }
        let silent = try UDPTestSocket()  // takes the INVITEs, never answers
        let hop = SIPEndpoint(host: "127.0.0.1", port: silent.port)
        func request(_ id: String) -> SIPOutboundRequest {
            SIPOutboundRequest(
                callID: id, target: SIPURI(user: "15550009", host: "127.0.0.1", port: silent.port), nextHop: hop,
                ringTimeout: .milliseconds(1500), handler: { EchoHandler() })
        }
        let first = server.bridge.placeCall(request("cap-1"))
        try await Task.sleep(for: .milliseconds(300))
        let second = try await server.bridge.placeCall(request("cap-2")).get()
        let firstResult = try await first.get()
        let stats = try await server.bridge.currentStatistics().get()
        await server.stop()
        #expect(second == SIPOutboundResult(outcome: .overCapacity, sipStatus: nil))
        #expect(firstResult == SIPOutboundResult(outcome: .noAnswer, sipStatus: 487))
        #expect(stats.outboundPlaced == 1 && stats.outboundRefused == 1)
    }
}
