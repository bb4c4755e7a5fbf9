// Attended transfers through a trunk (issue 14): a route URI on a trunk's registrar is called through that trunk
// (its next hop, credentials and AOR as From, like `switchboard call`); any other URI goes straight to its host.
import Bridges
import SIP
import Testing
@testable import Server

@Suite struct TransferTrunkTests {
    static func trunk(_ name: String, registrar: String, nextHop: SIPEndpoint) throws -> TrunkPlan {
        TrunkPlan(
            name: name, registrar: try SIPURI(parsing: registrar), aor: try SIPURI(parsing: "sip:1001@\(name).example.com"),
            nextHop: nextHop, credentials: SIPCredentials(username: "1001", password: "pw"), passwordEnv: nil, expires: 300,
            register: true, flowPath: nil, allow: [])
    }

    @Test func aURIOnATrunksRegistrarGoesThroughThatTrunk() throws {
        let trunks = [
            try Self.trunk("a", registrar: "sip:pbx-a.example.com", nextHop: SIPEndpoint(host: "192.0.2.10", port: 5060)),
            try Self.trunk("b", registrar: "sip:pbx-b.example.com:5070", nextHop: SIPEndpoint(host: "192.0.2.20", port: 5070)),
        ]
        let viaB = TrunkPlan.transferTrunk(for: try SIPURI(parsing: "sip:desk@PBX-B.example.com:5070"), among: trunks)
        #expect(viaB?.nextHop == SIPEndpoint(host: "192.0.2.20", port: 5070))
        #expect(viaB?.credentials?.username == "1001")
        #expect(viaB?.from.uri.host == "b.example.com")
        #expect(TrunkPlan.transferTrunk(for: try SIPURI(parsing: "sip:desk@pbx-a.example.com"), among: trunks)?.nextHop.host == "192.0.2.10")
        // Another port of the same host, or another host: not through a trunk.
        #expect(TrunkPlan.transferTrunk(for: try SIPURI(parsing: "sip:desk@pbx-b.example.com:5999"), among: trunks) == nil)
        #expect(TrunkPlan.transferTrunk(for: try SIPURI(parsing: "sip:desk@127.0.0.1:5099"), among: trunks) == nil)
    }
}
