import Testing
@testable import SIP

@Suite struct SIPParserTests {
    static let invite = """
        INVITE sip:bob@biloxi.example.com SIP/2.0\r
        Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\r
        Max-Forwards: 70\r
        To: Bob <sip:bob@biloxi.example.com>\r
        From: "Alice A." <sip:alice@atlanta.example.com>;tag=1928301774\r
        Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r
        CSeq: 314159 INVITE\r
        Contact: <sip:alice@pc33.atlanta.example.com>\r
        Content-Type: application/sdp\r
        Content-Length: 4\r
        \r
        v=0\n
        """

    @Test func parsesTypicalInvite() throws {
        let message = try SIPParser.parse(Self.invite)
        let request = try #require(message.request)
        #expect(request.method == .invite)
        #expect(request.uri.user == "bob")
        #expect(request.uri.host == "biloxi.example.com")
        #expect(request.headers.maxForwards == 70)
        #expect(request.from?.displayName == "Alice A.")
        #expect(request.from?.tag == "1928301774")
        #expect(request.to?.tag == nil)
        #expect(request.to?.displayName == "Bob")
        #expect(request.cseq == SIPCSeq(314159, .invite))
        let via = try #require(request.topVia)
        #expect(via.transport == "UDP")
        #expect(via.host == "pc33.atlanta.example.com")
        #expect(via.port == 5060)
        #expect(via.branch == "z9hG4bK776asdhds")
        #expect(via.rport == .some(nil))
        #expect(request.body == Array("v=0\n".utf8))
    }

    @Test func roundTripIsStable() throws {
        let first = try SIPParser.parse(Self.invite)
        let bytes = first.serialized()
        let second = try SIPParser.parse(bytes)
        #expect(first == second)
        #expect(second.serialized() == bytes)
    }

    @Test func compactFormsAndCaseInsensitiveNames() throws {
        let text = "OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:x@y>;tag=1\r\nt: sip:a@b\r\n"
            + "i: abc\r\nCSEQ: 1 OPTIONS\r\nm: <sip:x@h>\r\nk: timer, 100rel\r\nl: 0\r\n\r\n"
        let request = try #require(try SIPParser.parse(text).request)
        #expect(request.headers["via"] != nil)
        #expect(request.headers["Call-Id"] == "abc")
        #expect(request.headers.tokens("Supported") == ["timer", "100rel"])
        #expect(request.headers.contact?.uri.host == "h")
        #expect(request.headers.fields.map(\.name) == ["Via", "From", "To", "Call-ID", "CSeq", "Contact", "Supported", "Content-Length"])
    }

    @Test func multipleViasAcrossHeadersAndCommas() throws {
        let text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h1;branch=z9hG4bK1, SIP/2.0/TCP h2:5070;branch=z9hG4bK2\r\n"
            + "Via: SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK3;received=192.0.2.1\r\nCall-ID: x\r\n\r\n"
        let request = try #require(try SIPParser.parse(text).request)
        let vias = try #require(request.headers.vias)
        #expect(vias.map(\.host) == ["h1", "h2", "2001:db8::1"])
        #expect(vias[1].port == 5070)
        #expect(vias[2].sentBy == "[2001:db8::1]:5062")
        #expect(vias[2].received == "192.0.2.1")
    }

    @Test func foldedHeadersAreJoined() throws {
        let text = "OPTIONS sip:a@b SIP/2.0\r\nSubject: one\r\n  two\r\n\tthree\r\nCall-ID: x\r\n\r\n"
        let request = try #require(try SIPParser.parse(text).request)
        #expect(request.headers["s"] == "one two three")
    }

    @Test func uriForms() throws {
        let ipv6 = try SIPURI(parsing: "sips:alice:secret@[2001:db8::10]:5061;transport=tls;lr?Subject=hi&Priority=urgent")
        #expect(ipv6.scheme == "sips")
        #expect(ipv6.user == "alice")
        #expect(ipv6.password == "secret")
        #expect(ipv6.host == "2001:db8::10")
        #expect(ipv6.port == 5061)
        #expect(ipv6.transport == "tls")
        #expect(ipv6.parameters.contains("lr"))
        #expect(ipv6.headers.count == 2)
        #expect(try SIPURI(parsing: ipv6.serialized) == ipv6)
        let tel = try SIPURI(parsing: "tel:+1-201-555-0123;phone-context=example.com")
        #expect(tel.isTel)
        #expect(tel.user == "+1-201-555-0123")
        #expect(tel.parameters.value("phone-context") == "example.com")
        #expect(tel.serialized == "tel:+1-201-555-0123;phone-context=example.com")
        let escaped = try SIPURI(parsing: "sip:%75se%72@example.com")
        #expect(escaped.user == "user")
        let space = try SIPURI(parsing: "sip:I%20have%20spaces@example.net")
        #expect(space.user == "I have spaces")
        #expect(space.serialized == "sip:I%20have%20spaces@example.net")
        let other = try SIPURI(parsing: "im:alice@example.com")
        #expect(other.opaque == "alice@example.com")
        #expect(SIPURI("sip:") == nil)
        #expect(SIPURI("<sip:a@b>") == nil)
        #expect(SIPURI("sip:a@b:99999") == nil)
    }

    @Test func badMessagesAreTypedErrors() {
        #expect(throws: SIPParseError.self) { try SIPParser.parse("") }
        #expect(throws: SIPParseError.self) { try SIPParser.parse("\r\n\r\n") }
        #expect(throws: SIPParseError.self) { try SIPParser.parse([0xFF, 0x00, 0x13, 0x37]) }
        #expect(throws: SIPParseError.self) { try SIPParser.parse("SIP/2.0 99 Low\r\n\r\n") }
        #expect(throws: SIPParseError.self) { try SIPParser.parse("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n") }
        let huge = Array(repeating: UInt8(ascii: "a"), count: 70_000)
        #expect(throws: SIPParseError.self) { try SIPParser.parse(huge) }
    }

    @Test func extraBytesBeyondContentLengthAreIgnored() throws {
        let text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 2\r\n\r\nabcdef"
        let request = try #require(try SIPParser.parse(text).request)
        #expect(request.body == Array("ab".utf8))
    }

    @Test func shortBodyIsAnswerable400() {
        let text = "OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 20\r\n\r\nab"
        do {
            _ = try SIPParser.parse(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .truncatedBody)
            #expect(error.isAnswerable)
        }
    }
}
