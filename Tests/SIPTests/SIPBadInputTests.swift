import Foundation
import Testing
@testable import SIP

/// Bad-input classification (garbage, truncated, oversize, wrong Content-Length …) and the log rate limiter.
@Suite struct SIPBadInputTests {
    static let peer = SIPEndpoint(host: "192.0.2.7", port: 5060)

    static func invite(extraHeader: String = "", contentLength: String? = nil, body: String = "v=0\r\n") -> String {
        "INVITE sip:echo@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-bad1\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:a@192.0.2.7>;tag=1\r\nTo: <sip:echo@127.0.0.1>\r\nCall-ID: bad-1\r\n"
            + "CSeq: 1 INVITE\r\nContact: <sip:a@192.0.2.7>\r\nContent-Type: application/sdp\r\n" + extraHeader
            + "Content-Length: \(contentLength ?? String(body.utf8.count))\r\n\r\n" + body
    }

    /// The one dropped/rejected action for `bytes`, with what was sent.
    static func outcome(_ bytes: [UInt8]) -> (kind: SIPBadInputKind?, status: Int?, sent: Int) {
        var core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080)))
        let actions = core.handle(.datagram(bytes, from: peer), at: .zero)
        var result: (kind: SIPBadInputKind?, status: Int?, sent: Int) = (nil, nil, 0)
        for action in actions {
            switch action {
            case .dropped(let kind, _): result.kind = kind
            case .rejected(let kind, let status, _): (result.kind, result.status) = (kind, status)
            case .send: result.sent += 1
            default: break
            }
        }
        return result
    }

    @Test func garbageIsDroppedAsGarbage() {
        let o = Self.outcome([0x16, 0x03, 0x01, 0x00, 0xFF, 0x0D, 0x0A, 0x0D, 0x0A])
        #expect(o.kind == .garbage && o.status == nil && o.sent == 0)
        let random = (0..<900).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(Self.outcome(random).kind == .garbage)
    }

    @Test func requestWithoutViaIsDroppedNotAnswered() {
        let noVia = "OPTIONS sip:echo@127.0.0.1 SIP/2.0\r\nX-Big: " + String(repeating: "a", count: 60000) + "\r\n\r\n"
        let o = Self.outcome(Array(noVia.utf8))
        #expect(o.kind == .garbage && o.status == nil && o.sent == 0)
    }

    @Test func keepAliveIsNotBad() {
        let o = Self.outcome(Array("\r\n\r\n".utf8))
        #expect(o.kind == .keepAlive && o.sent == 0)
        #expect(!SIPBadInputKind.keepAlive.isSuspicious)
    }

    @Test func truncatedInviteIsAnswered400AsTruncated() {
        let full = Array(Self.invite().utf8)
        // Cut in the middle of the headers (after Via, so it can be answered).
        let cut = Array(full.prefix(200))
        let o = Self.outcome(cut)
        #expect(o.kind == .truncated)
        #expect(o.status == 400 && o.sent == 1)
        // Cut before any Via: nothing to answer, dropped.
        #expect(Self.outcome(Array(full.prefix(60))).kind == .truncated)
        #expect(Self.outcome(Array(full.prefix(60))).sent == 0)
    }

    @Test func wrongContentLengthIs400ContentLength() {
        let tooLong = Self.outcome(Array(Self.invite(contentLength: "500").utf8))
        #expect(tooLong.kind == .contentLength && tooLong.status == 400)
        let negative = Self.outcome(Array(Self.invite(contentLength: "-3").utf8))
        #expect(negative.kind == .contentLength && negative.status == 400)
        let twice = Self.outcome(Array(Self.invite(extraHeader: "l: 5\r\n").utf8))
        #expect(twice.kind == .contentLength && twice.status == 400)
    }

    @Test func oversizeIsCounted() {
        let huge = String(repeating: "x", count: 70 * 1024)
        let o = Self.outcome(Array(Self.invite(extraHeader: "X-Huge: \(huge)\r\n").utf8))
        #expect(o.kind == .oversize && o.sent == 0)
        let many = String(repeating: "X-A: 1\r\n", count: 300)
        let m = Self.outcome(Array(Self.invite(extraHeader: many).utf8))
        #expect(m.kind == .oversize && m.status == 400)
    }

    @Test func unsupportedAndStray() {
        let register = "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-r\r\nMax-Forwards: 70\r\n"
            + "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: r1\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n"
        let o = Self.outcome(Array(register.utf8))
        #expect(o.kind == .unsupported && o.status == 405)
        let stray = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-nothing\r\nFrom: <sip:a@b>;tag=1\r\n"
            + "To: <sip:a@b>;tag=2\r\nCall-ID: s1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        #expect(Self.outcome(Array(stray.utf8)).kind == .stray)
        let badCode = "SIP/2.0 999 Odd\r\nVia: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bK-x\r\nContent-Length: 0\r\n\r\n"
        #expect(Self.outcome(Array(badCode.utf8)).kind == .invalidResponse)
    }

    @Test func rateLimiterLogsFirstThenOncePerIntervalWithSuppressedCount() {
        var limiter = SIPLogRateLimiter(intervalNanos: 10_000)
        #expect(limiter.admit("garbage", at: 1_000) == 0)
        #expect(limiter.admit("garbage", at: 2_000) == nil)
        #expect(limiter.admit("garbage", at: 3_000) == nil)
        #expect(limiter.admit("oversize", at: 3_500) == 0)  // per key
        #expect(limiter.suppressedCount("garbage") == 2)
        #expect(limiter.admit("garbage", at: 11_000) == 2)
        #expect(limiter.admit("garbage", at: 12_000) == nil)
        #expect(limiter.admit("garbage", at: 25_000) == 1)
    }
}

@Suite struct SIPRetransmittedACKTests {
    @Test func retransmittedACKIsAbsorbedAndStrayACKIsCounted() throws {
        var peer = Peer()
        let ok = try peer.establish()
        // The same ACK again (the peer saw our 2xx retransmitted): absorbed, nothing sent, not bad input.
        let again = peer.deliver(.request(Peer.inDialog(.ack, response: ok, cseq: 1, branch: "z9hG4bK-ack-1")))
        #expect(again.isEmpty, "\(again)")
        // An ACK for a dialog we never had is stray: dropped and counted (logged at info, not warning).
        var other = Fixtures.request(.ack, branch: "z9hG4bK-ack-x", cseq: 1, toTag: "nope")
        other.headers.callID = "no-such-call"
        let stray = peer.deliver(.request(other))
        #expect(stray.contains { if case .dropped(.stray, _) = $0 { true } else { false } })
        #expect(!SIPBadInputKind.stray.isSuspicious)
    }
}
