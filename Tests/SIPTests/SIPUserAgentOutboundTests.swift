import Testing
@testable import SIP

@Suite struct SIPUserAgentOutboundTests {
    static let trunk = SIPEndpoint(host: "192.0.2.99", port: 5060)

    @Test func md5AndDigestVectors() {
        #expect(MD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex("The quick brown fox jumps over the lazy dog") == "9e107d9d372bb6826bd81d3542a419d6")
        // RFC 2617 §3.5 (method GET).
        let challenge = SIPDigest.parseChallenge("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")
        let header = challenge.flatMap {
            SIPDigest.authorization(challenge: $0, method: "GET", uri: "/dir/index.html", credentials: SIPCredentials(username: "Mufasa", password: "Circle Of Life"), cnonce: "0a4f113b")
        }
        #expect(header?.contains("response=\"6629fae49393a05397450978507c4ef1\"") == true)
        #expect(header?.contains("nc=00000001") == true)
    }

    @Test func outboundInviteWith407DigestRetry() throws {
        var core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080), negotiator: SDPNegotiator(codecs: [.pcmu]), seed: 1))
        let call = SIPOutboundCall(
            callID: "out-1", target: try SIPURI(parsing: "sip:+15551234@trunk.example.com"), nextHop: Self.trunk, rtpPort: 41000,
            credentials: SIPCredentials(username: "1001", password: "s3cret"))
        let first = try #require(Peer.requests(core.handle(.command(.placeCall(call)), at: .zero)).first)
        #expect(first.method == .invite && first.cseq?.sequence == 1)
        #expect(try SDPSession(parsing: first.body).media.first?.port == 41000)
        var challenge = SIPHeaders()
        challenge.add("Proxy-Authenticate", "Digest realm=\"trunk\", nonce=\"abc123\", qop=\"auth\", algorithm=MD5")
        let proxyAuth = first.makeResponse(407, toTag: "t1", headers: challenge)
        let retryActions = core.handle(.datagram(proxyAuth.serialized(), from: Self.trunk), at: .milliseconds(50))
        let sent = Peer.requests(retryActions)
        #expect(sent.map(\.method) == [.ack, .invite])
        let retry = try #require(sent.last)
        #expect(retry.cseq?.sequence == 2)
        #expect(retry.callID == "out-1")
        #expect(retry.from?.tag == first.from?.tag)
        #expect(retry.topVia?.branch != first.topVia?.branch)
        let authorization = try #require(retry.headers["Proxy-Authorization"])
        #expect(authorization.contains("username=\"1001\"") && authorization.contains("realm=\"trunk\"") && !authorization.contains("s3cret"))

        let ringing = core.handle(.datagram(retry.makeResponse(180, toTag: "callee").serialized(), from: Self.trunk), at: .milliseconds(100))
        #expect(ringing.contains(.callProgress(callID: "out-1", statusCode: 180)))
        var okHeaders = SIPHeaders()
        okHeaders.add("Contact", "<sip:callee@192.0.2.77:5070>")
        okHeaders.add("Content-Type", "application/sdp")
        let answerSDP = "v=0\r\no=- 9 9 IN IP4 192.0.2.77\r\ns=-\r\nc=IN IP4 192.0.2.77\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
        let ok = retry.makeResponse(200, toTag: "callee", headers: okHeaders, body: Array(answerSDP.utf8))
        let established = core.handle(.datagram(ok.serialized(), from: Self.trunk), at: .milliseconds(200))
        let ack = try #require(Peer.requests(established).first)
        #expect(ack.method == .ack && ack.cseq == SIPCSeq(2, .ack))
        #expect(ack.uri.host == "192.0.2.77")
        #expect(ack.to?.tag == "callee")
        #expect(established.contains(.callEstablished(callID: "out-1")))
        let media = try #require(established.compactMap { if case .mediaUpdated(_, let media) = $0 { media } else { nil } }.first)
        #expect(media.remotePort == 7000 && media.codec == .pcmu)
        // A retransmitted 200 gets the same ACK again.
        let again = Peer.requests(core.handle(.datagram(ok.serialized(), from: Self.trunk), at: .milliseconds(700)))
        #expect(again == [ack])
        // We hang up: BYE in the dialog.
        let bye = try #require(Peer.requests(core.handle(.command(.hangUp(callID: "out-1")), at: .seconds(5))).first)
        #expect(bye.method == .bye && bye.cseq?.sequence == 3 && bye.uri.host == "192.0.2.77")
    }

    @Test func outboundRejectedAndCancelled() throws {
        var core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080), seed: 2))
        let target = try SIPURI(parsing: "sip:busy@192.0.2.99")
        let invite = try #require(Peer.requests(core.handle(.command(.placeCall(SIPOutboundCall(callID: "o2", target: target, nextHop: Self.trunk, rtpPort: 1))), at: .zero)).first)
        let busy = core.handle(.datagram(invite.makeResponse(486, toTag: "x").serialized(), from: Self.trunk), at: .seconds(1))
        #expect(busy.contains(.callEnded(callID: "o2", reason: .rejected(statusCode: 486))))
        #expect(Peer.requests(busy).map(\.method) == [.ack])

        let invite3 = try #require(Peer.requests(core.handle(.command(.placeCall(SIPOutboundCall(callID: "o3", target: target, nextHop: Self.trunk, rtpPort: 1))), at: .zero)).first)
        _ = core.handle(.datagram(invite3.makeResponse(180, toTag: "y").serialized(), from: Self.trunk), at: .seconds(1))
        let cancel = core.handle(.command(.hangUp(callID: "o3")), at: .seconds(2))
        #expect(Peer.requests(cancel).map(\.method) == [.cancel])
        #expect(cancel.contains(.callEnded(callID: "o3", reason: .localHangUp)))
        let terminated = core.handle(.datagram(invite3.makeResponse(487, toTag: "y").serialized(), from: Self.trunk), at: .seconds(3))
        #expect(Peer.requests(terminated).map(\.method) == [.ack])
        #expect(!terminated.contains { if case .callEnded = $0 { true } else { false } })
    }

    @Test func registerWithDigestAndRefresh() throws {
        var core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080), seed: 3))
        let registration = SIPRegistration(
            id: "trunk", registrar: try SIPURI(parsing: "sip:trunk.example.com"), aor: try SIPURI(parsing: "sip:1001@trunk.example.com"),
            nextHop: Self.trunk, credentials: SIPCredentials(username: "1001", password: "pw"), expires: 600)
        let first = try #require(Peer.requests(core.handle(.command(.register(registration)), at: .zero)).first)
        #expect(first.method == .register && first.headers["Expires"] == "600")
        var challenge = SIPHeaders()
        challenge.add("WWW-Authenticate", "Digest realm=\"trunk\", nonce=\"n1\"")
        let second = try #require(Peer.requests(core.handle(.datagram(first.makeResponse(401, toTag: "r", headers: challenge).serialized(), from: Self.trunk), at: .seconds(1))).first)
        #expect(second.headers["Authorization"]?.hasPrefix("Digest ") == true)
        #expect(second.cseq?.sequence == (first.cseq?.sequence ?? 0) + 1)
        #expect(second.callID == first.callID)
        var okHeaders = SIPHeaders()
        okHeaders.add("Contact", "<sip:1001@127.0.0.1:5080>;expires=300")
        let done = core.handle(.datagram(second.makeResponse(200, toTag: "r", headers: okHeaders).serialized(), from: Self.trunk), at: .seconds(2))
        #expect(done.contains(.registered(id: "trunk", expires: 300)))
        #expect(done.contains { if case .startTimer(_, let deadline) = $0 { deadline == .seconds(272) } else { false } })
    }
}
