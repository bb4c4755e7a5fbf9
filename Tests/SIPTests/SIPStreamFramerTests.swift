// SIP over TCP framing (RFC 3261 §18.3): the same messages whatever the read boundaries — fed whole, byte by
// byte, several per buffer and in random chunks (like NIO's ByteToMessageDecoderVerifier) — plus CRLF pings.
import Testing

@testable import SIP

@Suite("SIP stream framing")
struct SIPStreamFramerTests {
    static func message(_ method: String, body: String, compact: Bool = false) -> [UInt8] {
        let length = compact ? "l: \(body.utf8.count)" : "Content-Length: \(body.utf8.count)"
        return Array(
            ("\(method) sip:echo@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-\(method)\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:echo@127.0.0.1>\r\nCall-ID: c-\(method)\r\n"
                + "CSeq: 1 \(method)\r\n\(length)\r\n\r\n\(body)").utf8)
    }

    static let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
    static var stream: [UInt8] {
        message("INVITE", body: sdp) + Array("\r\n\r\n".utf8) + message("OPTIONS", body: "") + message("INFO", body: "Signal=5\r\n", compact: true)
    }
    static var expected: [SIPStreamFramer.Frame] {
        [.message(message("INVITE", body: sdp)), .ping, .message(message("OPTIONS", body: "")), .message(message("INFO", body: "Signal=5\r\n", compact: true))]
    }

    @Test func whole() throws {
        var framer = SIPStreamFramer()
        #expect(try framer.feed(Self.stream) == Self.expected)
        #expect(framer.pendingCount == 0)
    }

    @Test func byteByByte() throws {
        var framer = SIPStreamFramer()
        var frames: [SIPStreamFramer.Frame] = []
        for byte in Self.stream { frames += try framer.feed([byte]) }
        #expect(frames == Self.expected)
    }

    @Test func randomChunksAndEveryParse() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var framer = SIPStreamFramer()
            var frames: [SIPStreamFramer.Frame] = []
            var rest = Self.stream[...]
            while !rest.isEmpty {
                let n = Int.random(in: 1...200, using: &generator)
                frames += try framer.feed(rest.prefix(n))
                rest = rest.dropFirst(n)
            }
            #expect(frames == Self.expected)
        }
        for case .message(let bytes) in Self.expected {
            _ = try SIPParser().parse(bytes)
        }
    }

    @Test func largeInviteOverMTU() throws {
        let body = Self.sdp + String(repeating: "a=x-padding:0123456789abcdef0123456789abcdef\r\n", count: 60)
        let invite = Self.message("INVITE", body: body)
        #expect(invite.count > 3000)
        var framer = SIPStreamFramer()
        #expect(try framer.feed(invite.prefix(1400)).isEmpty)
        #expect(try framer.feed(invite.dropFirst(1400)) == [.message(invite)])
    }

    @Test func missingOrBadContentLengthIsAFramingError() {
        var framer = SIPStreamFramer()
        let noLength = Array("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n\r\n".utf8)
        #expect(throws: SIPStreamFramer.FramingError.self) { _ = try framer.feed(noLength) }
        var conflicting = SIPStreamFramer()
        let twice = Array("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nxx".utf8)
        #expect(throws: SIPStreamFramer.FramingError.self) { _ = try conflicting.feed(twice) }
        var small = SIPStreamFramer(maxMessageSize: 100)
        #expect(throws: SIPStreamFramer.FramingError.self) { _ = try small.feed(Self.message("INVITE", body: Self.sdp)) }
    }

    @Test func loneCRLFPongIsSkipped() throws {
        var framer = SIPStreamFramer()
        #expect(try framer.feed(Array("\r\n".utf8)).isEmpty)
        #expect(try framer.feed(Self.message("OPTIONS", body: "")) == [.message(Self.message("OPTIONS", body: ""))])
    }
}
