// `switchboard bench sip`: SIP parse+serialize of a typical INVITE, front door, SDP answer and a whole
// UA-core call (INVITE → 200 → ACK → BYE), in ns per operation. Run with `-c release`.
// RTP per-packet figures live in `switchboard bench rtp` (BenchRTPCommand, owned by the RTP/Bridges helper).
import ArgumentParser
import Foundation
import SIP

struct BenchSIPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sip", abstract: "SIP parse/serialize, SDP answer and UA-core call setup per operation.")

    @Option(help: "Iterations per measurement.")
    var iterations: Int = 200_000

    static let invite = """
        INVITE sip:echo@127.0.0.1:5080 SIP/2.0\r
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---7f1d2c3b4a596877;rport\r
        Max-Forwards: 70\r
        Contact: <sip:alice@192.0.2.10:5060;transport=udp>\r
        To: <sip:echo@127.0.0.1:5080>\r
        From: "Alice" <sip:alice@192.0.2.10:5060>;tag=4f8d2a1c\r
        Call-ID: MzA4NjEzZTY4YjU5ZmQ2NWY3ZWQ0ZGI1N2Q4ZDk2Njc\r
        CSeq: 1 INVITE\r
        Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r
        Content-Type: application/sdp\r
        Supported: replaces, norefersub, extended-refer, timer, outbound, path, X-cisco-serviceuri\r
        User-Agent: Zoiper v2.10.19.6\r
        Allow-Events: presence, kpml, talk\r
        Content-Length: 290\r
        \r
        v=0\r
        o=Z 0 59374431 IN IP4 192.0.2.10\r
        s=Z\r
        c=IN IP4 192.0.2.10\r
        t=0 0\r
        m=audio 8000 RTP/AVP 106 9 98 101 0 8 3\r
        a=rtpmap:106 opus/48000/2\r
        a=fmtp:106 sprop-maxcapturerate=16000; minptime=20; useinbandfec=1\r
        a=rtpmap:98 telephone-event/48000\r
        a=rtpmap:101 telephone-event/8000\r
        a=sendrecv\r

        """

    func run() async throws {
        let bytes = Array(Self.invite.utf8)
        let message = try SIPParser.parse(bytes)
        print("SIP bench: INVITE of \(bytes.count) bytes, \(iterations) iterations per line (ns/op)")

        var sink = 0
        let both = measure(iterations) {
            if let parsed = try? SIPParser.parse(bytes) { sink &+= parsed.serialized().count }
        }
        report("parse+serialize INVITE", both)
        report("parse INVITE", measure(iterations) { if let parsed = try? SIPParser.parse(bytes) { sink &+= parsed.headers.count } })
        report("serialize INVITE", measure(iterations) { sink &+= message.serialized().count })
        let door = SIPFrontDoor()
        report("front door (parse+validate)", measure(iterations / 2) {
            if case .request(let request) = door.receive(bytes, toTag: "t") { sink &+= request.body.count }
        })
        let negotiator = SDPNegotiator(codecs: [.pcmu, .pcma, .opus])
        let origin = SDPOrigin(sessionID: "1", sessionVersion: 1, address: "127.0.0.1")
        report("SDP parse+answer", measure(iterations / 4) {
            if let offer = try? SDPSession(parsing: message.body), let result = try? negotiator.answer(offer, origin: origin, address: "127.0.0.1", port: 40000) {
                sink &+= result.answer.serialized().count
            }
        })
        report("UA core call INVITE→200→ACK→BYE", measure(iterations / 20) { sink &+= Self.oneCall(bytes) })
        // RTP per-packet figures: see `switchboard bench rtp`.
        if sink == 42 { print("") }
    }

    static func oneCall(_ invite: [UInt8]) -> Int {
        let peer = SIPEndpoint(host: "192.0.2.10", port: 5060)
        var core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080), negotiator: SDPNegotiator(codecs: [.pcmu])))
        var count = core.handle(.datagram(invite, from: peer), at: .zero).count
        let answered = core.handle(.command(.answer(callID: "MzA4NjEzZTY4YjU5ZmQ2NWY3ZWQ0ZGI1N2Q4ZDk2Njc", rtpPort: 40000)), at: .milliseconds(1))
        count += answered.count
        guard case .send(let okBytes, _)? = answered.first, case .response(let ok)? = try? SIPParser.parse(okBytes), let tag = ok.to?.tag else { return count }
        let ack = "ACK sip:echo@127.0.0.1:5080 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ack\r\nMax-Forwards: 70\r\nTo: <sip:echo@127.0.0.1:5080>;tag=\(tag)\r\nFrom: \"Alice\" <sip:alice@192.0.2.10:5060>;tag=4f8d2a1c\r\nCall-ID: MzA4NjEzZTY4YjU5ZmQ2NWY3ZWQ0ZGI1N2Q4ZDk2Njc\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
        count += core.handle(.datagram(Array(ack.utf8), from: peer), at: .milliseconds(2)).count
        let bye = ack.replacingOccurrences(of: "ACK sip", with: "BYE sip").replacingOccurrences(of: "1 ACK", with: "2 BYE").replacingOccurrences(of: "z9hG4bK-ack", with: "z9hG4bK-bye")
        count += core.handle(.datagram(Array(bye.utf8), from: peer), at: .milliseconds(3)).count
        return count
    }

    func measure(_ count: Int, _ body: () -> Void) -> Double {
        for _ in 0..<min(count / 10, 1000) { body() }
        // Thread CPU time, so other processes on a busy machine do not inflate the figures.
        let start = Self.cpuNanoseconds()
        for _ in 0..<count { body() }
        return Double(Self.cpuNanoseconds() - start) / Double(count)
    }

    static func cpuNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    func report(_ name: String, _ nanos: Double) {
        let padded = name.padding(toLength: 36, withPad: " ", startingAt: 0)
        print("\(padded) \(String(format: "%10.0f", nanos)) ns/op")
    }
}
