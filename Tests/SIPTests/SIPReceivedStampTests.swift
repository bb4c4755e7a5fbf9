// RFC 3261 §18.2.1 / RFC 3581: the top Via of a received request is stamped with received/rport, and the
// responses the core sends carry it (so they reach a caller behind NAT at its real address).
import Testing

@testable import SIP

@Suite("SIP received/rport stamping")
struct SIPReceivedStampTests {
    static let natInvite = Array(
        ("OPTIONS sip:echo@127.0.0.1:5080 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK-nat-1;rport, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK-x\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:a@10.0.0.7>;tag=t1\r\nTo: <sip:echo@127.0.0.1>\r\n"
            + "Call-ID: nat-1@10.0.0.7\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").utf8)

    @Test func bareRportGetsSourcePortAndReceived() throws {
        guard case .request(let request) = try SIPParser().parse(Self.natInvite) else {
            Issue.record("not a request")
            return
        }
        let stamped = request.stampingReceived(host: "198.51.100.4", port: 40123)
        let vias = try #require(stamped.headers.vias)
        #expect(vias.count == 2)
        #expect(vias[0].received == "198.51.100.4")
        #expect(vias[0].rport == .some(40123))
        #expect(vias[0].branch == "z9hG4bK-nat-1")
        #expect(vias[1].host == "10.0.0.9")
        #expect(vias[1].received == nil)
    }

    @Test func sameHostWithoutRportIsLeftAlone() throws {
        let text = String(decoding: Self.natInvite, as: UTF8.self).replacingOccurrences(of: ";rport,", with: ",")
        guard case .request(let request) = try SIPParser().parse(Array(text.utf8)) else {
            Issue.record("not a request")
            return
        }
        #expect(request.stampingReceived(host: "10.0.0.7", port: 5060) == request)
        #expect(request.stampingReceived(host: "10.0.0.8", port: 5060).headers.topVia?.received == "10.0.0.8")
    }

    @Test func coreResponseCarriesReceivedAndRport() throws {
        var core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080)))
        let source = SIPEndpoint(host: "198.51.100.4", port: 40123)
        let actions = core.handle(.datagram(Self.natInvite, from: source), at: .zero)
        let sent = actions.compactMap { action -> ([UInt8], SIPEndpoint)? in
            if case .send(let bytes, let to) = action { return (bytes, to) }
            return nil
        }
        let (bytes, to) = try #require(sent.first)
        #expect(to == source)
        guard case .response(let response) = try SIPParser().parse(bytes) else {
            Issue.record("not a response")
            return
        }
        #expect(response.statusCode == 200)
        #expect(response.headers.topVia?.received == "198.51.100.4")
        #expect(response.headers.topVia?.rport == .some(40123))
    }
}
