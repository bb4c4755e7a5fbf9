// Issue 18: a call through two proxies, one of them a strict router (RFC 2543), both ways. The messages are
// the ones such a path delivers (Record-Route with two entries: P1 `sip:p1.example.net;lr` loose, P2
// `sip:198.51.100.2:5070` strict); every request Switchboard sends in the dialog is checked for Request-URI,
// Route headers and the address it goes to (RFC 3261 §12.1.1, §12.2.1.1, §8.1.2, §16.4).
import Testing

@testable import SIP

@Suite("SIP through proxies: Record-Route, route sets, strict routing")
struct SIPProxyRouteTests {
    static let local = SIPEndpoint(host: "127.0.0.1", port: 5080)
    static let p1 = SIPEndpoint(host: "198.51.100.1", port: 5060)
    static let p2 = SIPEndpoint(host: "198.51.100.2", port: 5070)

    static let offer =
        "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"

    /// Alice's INVITE as P2 (strict, the last hop) delivers it: P1 record-routed loose, P2 strict, on one line.
    static let inboundInvite =
        "INVITE sip:echo@127.0.0.1:5080 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 198.51.100.2:5070;branch=z9hG4bK-p2-1\r\n"
        + "Via: SIP/2.0/UDP p1.example.net;branch=z9hG4bK-p1-1;received=198.51.100.1\r\n"
        + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-alice-1;rport=5060;received=192.0.2.10\r\n"
        + "Record-Route: <sip:198.51.100.2:5070>, <sip:p1.example.net;lr>\r\n"
        + "Max-Forwards: 68\r\nFrom: \"Alice\" <sip:alice@example.com>;tag=alice-1\r\nTo: <sip:echo@example.com>\r\n"
        + "Call-ID: two-proxies-1@192.0.2.10\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@192.0.2.10:5060>\r\n"
        + "Content-Type: application/sdp\r\nContent-Length: \(offer.utf8.count)\r\n\r\n" + offer

    static func core(outboundProxy: String? = nil) -> SIPUserAgentCore {
        SIPUserAgentCore(
            config: SIPUserAgentConfig(
                local: local, negotiator: SDPNegotiator(codecs: [.pcmu]), seed: 18, outboundProxy: outboundProxy.flatMap { SIPURI($0) }))
    }

    /// Messages sent, parsed, with where they go.
    static func sent(_ actions: [SIPUAAction]) -> [(message: SIPMessage, to: SIPEndpoint)] {
        actions.compactMap { action in
            guard case .send(let bytes, let to) = action, let message = try? SIPParser.parse(bytes) else { return nil }
            return (message, to)
        }
    }

    static func routes(_ request: SIPRequest) -> [String] { (request.headers.routes ?? []).map(\.uri.serialized) }

    /// Every request has this Request-URI and these Route values, and was sent to `to`.
    static func expectRouted(
        _ requests: [(SIPRequest, SIPEndpoint)], requestURI: String, routes expected: [String], to: SIPEndpoint,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (request, destination) in requests {
            #expect(request.uri.serialized == requestURI, "\(request.method) Request-URI", sourceLocation: sourceLocation)
            #expect(routes(request) == expected, "\(request.method) Route", sourceLocation: sourceLocation)
            #expect(destination == to, "\(request.method) destination", sourceLocation: sourceLocation)
        }
    }

    @Test func uasCopiesRecordRouteAndRoutesThroughTheStrictRouterFirst() throws {
        var core = Self.core()
        var now = Duration.zero
        let invite = try SIPParser.parse(Array(Self.inboundInvite.utf8))
        let received = core.handle(.datagram(invite.serialized(), from: Self.p2), at: now)
        let callID = try #require(received.compactMap { if case .incomingCall(let call) = $0 { call.callID } else { nil } }.first)

        // 180 and 200 carry both Record-Route entries as received, in order, and go back to P2.
        let rung = Self.sent(core.handle(.command(.ring(callID: callID)), at: now))
        let answered = Self.sent(core.handle(.command(.answer(callID: callID, rtpPort: 40000)), at: now))
        for (message, to) in rung + answered {
            let response = try #require(message.response)
            #expect(response.headers.values("Record-Route") == ["<sip:198.51.100.2:5070>, <sip:p1.example.net;lr>"])
            #expect(to == Self.p2)
        }
        let ok = try #require(answered.first?.message.response)
        #expect(ok.statusCode == 200)
        let ourTag = try #require(ok.to?.tag)

        // Alice's ACK arrives from P2 with the Request-URI our Contact (P2 restored it from its Route, §16.4).
        now += .milliseconds(100)
        let ack = "ACK sip:switchboard@127.0.0.1:5080 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.2:5070;branch=z9hG4bK-p2-2\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-alice-2\r\nMax-Forwards: 68\r\n"
            + "From: \"Alice\" <sip:alice@example.com>;tag=alice-1\r\nTo: <sip:echo@example.com>;tag=\(ourTag)\r\n"
            + "Call-ID: two-proxies-1@192.0.2.10\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
        #expect(core.handle(.datagram(Array(ack.utf8), from: Self.p2), at: now).contains(.callEstablished(callID: callID)))

        // Every request we send in the dialog: Request-URI = P2 (strict router first), Route = P1 then Alice's
        // Contact, sent to P2.
        var requests: [(SIPRequest, SIPEndpoint)] = []
        for command: SIPUACommand in [
            .sendInfoDTMF(callID: callID, digit: "5", durationMs: 160), .refer(callID: callID, target: SIPURI(user: "human", host: "127.0.0.1")),
            .hold(callID: callID, on: true), .hangUp(callID: callID),
        ] {
            now += .seconds(1)
            for (message, to) in Self.sent(core.handle(.command(command), at: now)) {
                if let request = message.request { requests.append((request, to)) }
            }
            if case .hold = command {  // answer the re-INVITE so the dialog is free again; check its ACK too
                let reinvite = try #require(requests.last?.0)
                var headers = SIPHeaders()
                headers.add("Contact", "<sip:alice@192.0.2.10:5060>")
                let reply = reinvite.makeResponse(200, headers: headers)
                for (message, to) in Self.sent(core.handle(.datagram(reply.serialized(), from: Self.p2), at: now)) {
                    if let request = message.request { requests.append((request, to)) }
                }
            }
        }
        #expect(requests.map(\.0.method) == [.info, .refer, .invite, .ack, .bye])
        Self.expectRouted(
            requests, requestURI: "sip:198.51.100.2:5070", routes: ["sip:p1.example.net;lr", "sip:alice@192.0.2.10:5060"], to: Self.p2)
    }

    @Test func uacUsesOutboundProxyThenTheReversedRecordRoute() throws {
        var core = Self.core(outboundProxy: "sip:198.51.100.1;lr")
        var now = Duration.zero
        let call = SIPOutboundCall(
            callID: "two-proxies-out", target: try SIPURI(parsing: "sip:+15551234@example.com"), nextHop: SIPEndpoint(host: "192.0.2.99", port: 5060),
            rtpPort: 41000)
        let placed = Self.sent(core.handle(.command(.placeCall(call)), at: now))
        let invite = try #require(placed.first?.message.request)
        // Initial INVITE: preloaded Route to the outbound proxy, Request-URI the target, sent to the proxy.
        #expect(invite.uri.serialized == "sip:+15551234@example.com")
        #expect(Self.routes(invite) == ["sip:198.51.100.1;lr"])
        #expect(placed.first?.to == Self.p1)

        // The callee's 200 as P1 relays it: P1 (loose) and P2 (strict) record-routed, callee copied them.
        now += .milliseconds(300)
        var headers = SIPHeaders()
        headers.add("Record-Route", "<sip:198.51.100.2:5070>")
        headers.add("Record-Route", "<sip:198.51.100.1;lr>")
        headers.add("Contact", "<sip:bob@203.0.113.5:5062>")
        headers.add("Content-Type", "application/sdp")
        let answerSDP = "v=0\r\no=- 9 9 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n"
        let ok = invite.makeResponse(200, toTag: "bob-1", headers: headers, body: Array(answerSDP.utf8))
        let established = core.handle(.datagram(ok.serialized(), from: Self.p1), at: now)
        #expect(established.contains(.callEstablished(callID: "two-proxies-out")))
        var requests = Self.sent(established).compactMap { sent in sent.message.request.map { ($0, sent.to) } }

        for command: SIPUACommand in [
            .sendInfoDTMF(callID: "two-proxies-out", digit: "#", durationMs: 100),
            .refer(callID: "two-proxies-out", target: SIPURI(user: "human", host: "127.0.0.1")), .hangUp(callID: "two-proxies-out"),
        ] {
            now += .seconds(1)
            requests += Self.sent(core.handle(.command(command), at: now)).compactMap { sent in sent.message.request.map { ($0, sent.to) } }
        }
        // Route set = Record-Route reversed: P1 (loose, so the Request-URI stays Bob's Contact), then P2.
        #expect(requests.map(\.0.method) == [.ack, .info, .refer, .bye])
        Self.expectRouted(
            requests, requestURI: "sip:bob@203.0.113.5:5062", routes: ["sip:198.51.100.1;lr", "sip:198.51.100.2:5070"], to: Self.p1)
    }

    @Test func uacReInviteThroughRouteSetAndItsACK() throws {
        var core = Self.core()
        let call = SIPOutboundCall(
            callID: "reinvite-out", target: try SIPURI(parsing: "sip:bob@example.com"), nextHop: Self.p2, rtpPort: 41000)
        let invite = try #require(Self.sent(core.handle(.command(.placeCall(call)), at: .zero)).first?.message.request)
        #expect(Self.routes(invite).isEmpty && invite.uri.serialized == "sip:bob@example.com")
        var headers = SIPHeaders()
        headers.add("Record-Route", "<sip:198.51.100.1;lr>, <sip:198.51.100.2:5070>")  // P2 strict is our first hop
        headers.add("Contact", "<sip:bob@203.0.113.5:5062>")
        headers.add("Content-Type", "application/sdp")
        let answerSDP = "v=0\r\no=- 9 9 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n"
        let ok = invite.makeResponse(200, toTag: "bob-2", headers: headers, body: Array(answerSDP.utf8))
        var requests = Self.sent(core.handle(.datagram(ok.serialized(), from: Self.p2), at: .milliseconds(100)))
        let hold = Self.sent(core.handle(.command(.hold(callID: "reinvite-out", on: true)), at: .seconds(1)))
        requests += hold
        let reinvite = try #require(hold.first?.message.request)
        requests += Self.sent(core.handle(.datagram(reinvite.makeResponse(200).serialized(), from: Self.p2), at: .seconds(2)))
        let sentRequests = requests.compactMap { sent in sent.message.request.map { ($0, sent.to) } }
        #expect(sentRequests.map(\.0.method) == [.ack, .invite, .ack])
        Self.expectRouted(
            sentRequests, requestURI: "sip:198.51.100.2:5070", routes: ["sip:198.51.100.1;lr", "sip:bob@203.0.113.5:5062"], to: Self.p2)
    }

    @Test func routeNamingUsIsPoppedAndUnknownDialogGets481() throws {
        var core = Self.core()
        let invite = try SIPParser.parse(Array(Self.inboundInvite.utf8))
        let received = core.handle(.datagram(invite.serialized(), from: Self.p2), at: .zero)
        let callID = try #require(received.compactMap { if case .incomingCall(let call) = $0 { call.callID } else { nil } }.first)
        let ok = try #require(Self.sent(core.handle(.command(.answer(callID: callID, rtpPort: 40000)), at: .zero)).first?.message.response)
        let tag = try #require(ok.to?.tag)
        func info(_ branch: String, cseq: Int, toTag: String, route: String?) -> [UInt8] {
            Array(
                ("INFO sip:switchboard@127.0.0.1:5080 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.1;branch=\(branch)\r\n"
                    + (route.map { "Route: \($0)\r\n" } ?? "") + "Max-Forwards: 69\r\n"
                    + "From: <sip:alice@example.com>;tag=alice-1\r\nTo: <sip:echo@example.com>;tag=\(toTag)\r\n"
                    + "Call-ID: two-proxies-1@192.0.2.10\r\nCSeq: \(cseq) INFO\r\nContent-Type: application/dtmf-relay\r\n"
                    + "Content-Length: 24\r\n\r\nSignal=7\r\nDuration=160\r\n").utf8)
        }
        // A Route naming us (a proxy's or the caller's route set ends at us): popped, the request handled.
        let routed = core.handle(.datagram(info("z9hG4bK-i1", cseq: 2, toTag: tag, route: "<sip:127.0.0.1:5080;lr>"), from: Self.p1), at: .seconds(1))
        #expect(routed.contains(.dtmf(callID: callID, digit: "7", durationMs: 160)))
        #expect(Self.sent(routed).first?.message.response?.statusCode == 200)
        #expect(Self.sent(routed).first?.to == Self.p1)
        let twoRoutes = try #require(try SIPParser.parse(info("b", cseq: 3, toTag: tag, route: "<sip:127.0.0.1:5080;lr>, <sip:other.example;lr>")).request)
        #expect(core.poppingOwnRoutes(twoRoutes).headers.values("Route") == ["<sip:other.example;lr>"])
        // Unknown dialog (wrong To tag, or a call that is gone): 481.
        let unknown = core.handle(.datagram(info("z9hG4bK-i2", cseq: 3, toTag: "nobody", route: "<sip:127.0.0.1:5080;lr>"), from: Self.p1), at: .seconds(2))
        #expect(Self.sent(unknown).first?.message.response?.statusCode == 481)
        #expect(!unknown.contains { if case .dtmf = $0 { true } else { false } })
    }
}
