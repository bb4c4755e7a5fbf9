import Testing
@testable import SIP

@Suite struct SDPTests {
    static let asterisk = """
        v=0\r
        o=- 1795361271 1795361271 IN IP4 192.0.2.20\r
        s=Asterisk\r
        c=IN IP4 192.0.2.20\r
        t=0 0\r
        m=audio 14350 RTP/AVP 0 8 3 101\r
        a=rtpmap:0 PCMU/8000\r
        a=rtpmap:8 PCMA/8000\r
        a=rtpmap:3 GSM/8000\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=ptime:20\r
        a=maxptime:150\r
        a=sendrecv\r

        """
    static let freeswitch = """
        v=0\r
        o=FreeSWITCH 1700000000 1700000001 IN IP4 198.51.100.7\r
        s=FreeSWITCH\r
        c=IN IP4 198.51.100.7\r
        t=0 0\r
        m=audio 23456 RTP/AVP 102 9 0 8 103 101\r
        a=rtpmap:102 opus/48000/2\r
        a=fmtp:102 useinbandfec=1; maxplaybackrate=16000\r
        a=rtpmap:9 G722/8000\r
        a=rtpmap:103 telephone-event/48000\r
        a=fmtp:103 0-16\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=ptime:20\r

        """
    static let linphone = """
        v=0
        o=alice 3016 1255 IN IP4 10.0.0.5
        s=Talk
        c=IN IP4 10.0.0.5
        t=0 0
        a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
        m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 useinbandfec=1
        a=rtpmap:97 speex/16000
        a=rtpmap:98 speex/8000
        a=rtpmap:101 telephone-event/48000
        a=rtpmap:99 telephone-event/16000
        a=rtpmap:100 telephone-event/8000
        a=rtcp-fb:* trr-int 1000
        m=video 9078 RTP/AVP 96
        a=rtpmap:96 VP8/90000

        """

    let origin = SDPOrigin(sessionID: "42", sessionVersion: 42, address: "127.0.0.1")

    @Test func parsesAndRoundTrips() throws {
        for text in [Self.asterisk, Self.freeswitch, Self.linphone] {
            let session = try SDPSession(parsing: text)
            let again = try SDPSession(parsing: session.serialized())
            #expect(again == session)
        }
        let linphone = try SDPSession(parsing: Self.linphone)
        #expect(linphone.media.count == 2)
        #expect(linphone.media[0].rtpmap(for: 96)?.encoding == "opus")
        #expect(linphone.media[0].rtpmap(for: 0)?.encoding == "PCMU")
        #expect(linphone.media[0].fmtp(for: 96) == "useinbandfec=1")
        #expect(throws: SIPParseError.self) { try SDPSession(parsing: "hello") }
        #expect(throws: SIPParseError.self) { try SDPSession(parsing: "v=0\r\nm=audio x RTP/AVP 0\r\n") }
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let offer: String
        let codecs: [SDPCodec]
        let codec: String?
        let payloadType: Int?
        let event: Int?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "asterisk, default prefs", offer: asterisk, codecs: [.opus, .pcmu, .pcma], codec: "PCMU", payloadType: 0, event: 101),
        Case(name: "asterisk, PCMA first", offer: asterisk, codecs: [.pcma, .pcmu], codec: "PCMA", payloadType: 8, event: 101),
        Case(name: "freeswitch opus uses offerer PT 102 and 48k events", offer: freeswitch, codecs: [.opus, .pcmu], codec: "opus", payloadType: 102, event: 103),
        Case(name: "freeswitch G.711 only", offer: freeswitch, codecs: [.pcma], codec: "PCMA", payloadType: 8, event: 101),
        Case(name: "linphone opus at 96", offer: linphone, codecs: [.opus, .pcmu], codec: "opus", payloadType: 96, event: 101),
        Case(name: "linphone pcmu", offer: linphone, codecs: [.pcmu], codec: "PCMU", payloadType: 0, event: 100),
        Case(name: "opus-only offer, G.711-only config", offer: "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n", codecs: [.pcmu, .pcma], codec: nil, payloadType: nil, event: nil),
        Case(name: "dynamic PT 0 trick is matched by name", offer: "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 96 97\r\na=rtpmap:96 PCMA/8000\r\na=rtpmap:97 telephone-event/8000\r\n", codecs: [.pcmu, .pcma], codec: "PCMA", payloadType: 96, event: 97),
        Case(name: "port 0 stream rejected", offer: "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n", codecs: [.pcmu], codec: nil, payloadType: nil, event: nil),
        Case(name: "SRTP profile not supported", offer: "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\n", codecs: [.pcmu], codec: nil, payloadType: nil, event: nil),
    ]

    @Test(arguments: cases)
    func negotiation(_ testCase: Case) throws {
        let negotiator = SDPNegotiator(codecs: testCase.codecs)
        let offer = try SDPSession(parsing: testCase.offer)
        guard let expectedCodec = testCase.codec else {
            #expect(throws: SDPNegotiationError.self) { try negotiator.answer(offer, origin: origin, address: "127.0.0.1", port: 30000) }
            return
        }
        let (answer, media) = try negotiator.answer(offer, origin: origin, address: "127.0.0.1", port: 30000)
        #expect(media.codec.name == expectedCodec)
        #expect(media.payloadType == testCase.payloadType)
        #expect(media.telephoneEventPayloadType == testCase.event)
        #expect(answer.media.count == offer.media.count)
        #expect(answer.media[0].port == 30000)
        #expect(answer.media[0].formats.first == String(testCase.payloadType ?? -1))
        for rejected in answer.media.dropFirst() { #expect(rejected.port == 0) }
        // The answer itself parses and the offerer can read it back.
        let reparsed = try SDPSession(parsing: answer.serialized())
        let offererView = try SDPNegotiator(codecs: [.opus, .pcmu, .pcma]).accept(answer: reparsed, to: offer)
        #expect(offererView.payloadType == media.payloadType)
        #expect(offererView.remotePort == 30000)
    }

    @Test(arguments: [(SDPDirection.sendrecv, SDPDirection.sendrecv), (.sendonly, .recvonly), (.recvonly, .sendonly), (.inactive, .inactive)])
    func directionComplement(_ offered: SDPDirection, _ expected: SDPDirection) throws {
        var offer = try SDPSession(parsing: Self.asterisk)
        offer.media[0].attributes.removeAll { SDPDirection(rawValue: $0.name) != nil }
        offer.media[0].attributes.append(SDPAttribute(offered.rawValue))
        let (answer, media) = try SDPNegotiator().answer(offer, origin: origin, address: "127.0.0.1", port: 30000)
        #expect(answer.media[0].direction == expected)
        #expect(media.direction == expected)
        #expect(media.isRemoteHold == !expected.sends)
    }

    @Test func ourOfferAndVersionIncrement() throws {
        let negotiator = SDPNegotiator(codecs: [.opus, .pcmu, .pcma])
        var local = SDPLocalState(sessionID: 1000, address: "127.0.0.1")
        let offer = local.stamp(negotiator.offer(origin: local.origin, address: "127.0.0.1", port: 40000))
        #expect(offer.origin.sessionVersion == 1000)
        let text = offer.serializedText
        #expect(text.contains("m=audio 40000 RTP/AVP 111 0 8 101 102 13\r\n"))
        // RFC 3389 comfort noise with the 8 kHz codecs (callers in DTX send it; we play it as noise).
        #expect(text.contains("a=rtpmap:13 CN/8000\r\n"))
        #expect(text.contains("a=rtpmap:111 opus/48000/2\r\n"))
        #expect(text.contains("a=rtpmap:101 telephone-event/8000\r\n"))
        #expect(text.contains("a=rtpmap:102 telephone-event/48000\r\n"))
        #expect(text.contains("a=ptime:20\r\n"))
        let same = local.stamp(negotiator.offer(origin: local.origin, address: "127.0.0.1", port: 40000))
        #expect(same.origin.sessionVersion == 1000)
        let hold = local.stamp(negotiator.offer(origin: local.origin, address: "127.0.0.1", port: 40000, direction: .sendonly))
        #expect(hold.origin.sessionVersion == 1001)
        #expect(hold.origin.sessionID == "1000")
        // Asterisk-like answer picks PCMU from our offer.
        let answer = try SDPSession(parsing: "v=0\r\no=- 5 5 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n")
        let media = try negotiator.accept(answer: answer, to: offer)
        #expect(media.codec == .pcmu)
        #expect(media.remoteAddress == "192.0.2.9")
        #expect(media.telephoneEventPayloadType == 101)
    }

    @Test func multipartBodyYieldsSDP() throws {
        var headers = SIPHeaders()
        headers.add("Content-Type", "multipart/mixed;boundary=b1")
        let body = Array("--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1\r\nContent-Type: application/sdp\r\n\r\n\(Self.asterisk)\r\n--b1--\r\n".utf8)
        let sdp = try #require(SDPSession.body(of: headers, body))
        #expect(try SDPSession(parsing: sdp).media.count == 1)
    }
}
