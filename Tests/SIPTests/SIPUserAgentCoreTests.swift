import Testing
@testable import SIP

/// A scripted remote party talking to the core over virtual datagrams.
struct Peer {
    var core: SIPUserAgentCore
    let address = SIPEndpoint(host: "192.0.2.1", port: 5060)
    var now: Duration = .zero

    init(codecs: [SDPCodec] = [.pcmu, .pcma]) {
        core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080), negotiator: SDPNegotiator(codecs: codecs), seed: 42))
    }

    mutating func deliver(_ message: SIPMessage) -> [SIPUAAction] {
        core.handle(.datagram(message.serialized(), from: address), at: now)
    }

    mutating func command(_ command: SIPUACommand) -> [SIPUAAction] {
        core.handle(.command(command), at: now)
    }

    static func sent(_ actions: [SIPUAAction]) -> [SIPMessage] {
        actions.compactMap { action in
            if case .send(let bytes, _) = action { return try? SIPParser.parse(bytes) }
            return nil
        }
    }

    static func responses(_ actions: [SIPUAAction]) -> [SIPResponse] { sent(actions).compactMap(\.response) }
    static func requests(_ actions: [SIPUAAction]) -> [SIPRequest] { sent(actions).compactMap(\.request) }

    static let offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n"

    static func invite(branch: String = "z9hG4bK-inv-1", body: String = offer) -> SIPRequest {
        Fixtures.request(.invite, branch: branch, body: body, contentType: body.isEmpty ? nil : "application/sdp")
    }

    /// A request inside the dialog established by `response` (our 200).
    static func inDialog(_ method: SIPMethod, response: SIPResponse, cseq: UInt32, branch: String, body: String = "", contentType: String? = nil) -> SIPRequest {
        var request = Fixtures.request(method, branch: branch, cseq: cseq, toTag: response.to?.tag, body: body, contentType: contentType)
        if method == .ack { request.headers.cseq = SIPCSeq(cseq, .ack) }
        return request
    }

    /// INVITE → answer → ACK; returns our 200.
    mutating func establish() throws -> SIPResponse {
        let actions = deliver(.request(Self.invite()))
        guard case .incomingCall(let call)? = actions.first(where: { if case .incomingCall = $0 { true } else { false } }) else {
            throw SIPParseError(.empty, "no incoming call")
        }
        let answered = command(.answer(callID: call.callID, rtpPort: 40000))
        guard let ok = Self.responses(answered).first(where: { $0.statusCode == 200 }) else { throw SIPParseError(.empty, "no 200") }
        _ = deliver(.request(Self.inDialog(.ack, response: ok, cseq: 1, branch: "z9hG4bK-ack-1")))
        return ok
    }
}

@Suite struct SIPUserAgentCoreTests {
    @Test func inviteAnswerAckBye() throws {
        var peer = Peer()
        let actions = peer.deliver(.request(Peer.invite()))
        #expect(Peer.responses(actions).map(\.statusCode) == [100])
        let call = try #require(actions.compactMap { if case .incomingCall(let call) = $0 { call } else { nil } }.first)
        #expect(call.dialledUser == "echo")
        #expect(call.offer?.media.first?.port == 6000)
        // A retransmitted INVITE is absorbed: 100 again, no second call.
        let again = peer.deliver(.request(Peer.invite()))
        #expect(Peer.responses(again).map(\.statusCode) == [100])
        #expect(!again.contains { if case .incomingCall = $0 { true } else { false } })

        #expect(Peer.responses(peer.command(.ring(callID: call.callID))).map(\.statusCode) == [180])
        let answered = peer.command(.answer(callID: call.callID, rtpPort: 40000))
        let ok = try #require(Peer.responses(answered).first)
        #expect(ok.statusCode == 200)
        #expect(ok.to?.tag != nil)
        #expect(ok.headers["Allow"]?.contains("INVITE") == true)
        #expect(ok.headers.contact != nil)
        let answer = try SDPSession(parsing: ok.body)
        #expect(answer.media.first?.port == 40000)
        #expect(answer.media.first?.formats.first == "0")  // our preference PCMU, offerer's number
        let media = try #require(answered.compactMap { if case .mediaUpdated(_, let media) = $0 { media } else { nil } }.first)
        #expect(media.remotePort == 6000 && media.remoteAddress == "192.0.2.1" && media.telephoneEventPayloadType == 101)

        let acked = peer.deliver(.request(Peer.inDialog(.ack, response: ok, cseq: 1, branch: "z9hG4bK-ack-1")))
        #expect(acked.contains(.callEstablished(callID: call.callID)))
        let bye = peer.deliver(.request(Peer.inDialog(.bye, response: ok, cseq: 2, branch: "z9hG4bK-bye-1")))
        #expect(Peer.responses(bye).map(\.statusCode) == [200])
        #expect(bye.contains(.callEnded(callID: call.callID, reason: .remoteHangUp)))
        #expect(peer.core.activeCallIDs.isEmpty)
        // The BYE retransmission is answered from the transaction, not with 481.
        let byeAgain = peer.deliver(.request(Peer.inDialog(.bye, response: ok, cseq: 2, branch: "z9hG4bK-bye-1")))
        #expect(Peer.responses(byeAgain).map(\.statusCode) == [200])
    }

    @Test func twoHundredRetransmittedUntilGivingUpWithBye() throws {
        var peer = Peer()
        let actions = peer.deliver(.request(Peer.invite()))
        let call = try #require(actions.compactMap { if case .incomingCall(let call) = $0 { call } else { nil } }.first)
        var timers = VirtualTimers<SIPUATimerID>()
        func track(_ actions: [SIPUAAction]) {
            for action in actions {
                if case .startTimer(let id, let deadline) = action { timers.apply(id, deadline: deadline) }
                if case .cancelTimer(let id) = action { timers.apply(id, deadline: nil) }
            }
        }
        track(peer.command(.answer(callID: call.callID, rtpPort: 40000)))
        var okTimes: [Duration] = []
        var byeSent = false
        var ended: SIPCallEndReason?
        while let (id, deadline) = timers.pop(), deadline <= .seconds(40) {
            peer.now = deadline
            let fired = peer.core.handle(.timerFired(id), at: deadline)
            track(fired)
            if Peer.responses(fired).contains(where: { $0.statusCode == 200 }) { okTimes.append(deadline) }
            if Peer.requests(fired).contains(where: { $0.method == .bye }) { byeSent = true }
            for case .callEnded(_, let reason) in fired { ended = reason }
        }
        #expect(Array(okTimes.prefix(5)) == [.milliseconds(500), .milliseconds(1500), .milliseconds(3500), .milliseconds(7500), .milliseconds(11500)])
        #expect(byeSent)
        #expect(ended == .timeout)
    }

    @Test func cancelBeforeAnswer() throws {
        var peer = Peer()
        let invite = Peer.invite()
        let actions = peer.deliver(.request(invite))
        let call = try #require(actions.compactMap { if case .incomingCall(let call) = $0 { call } else { nil } }.first)
        var cancel = Fixtures.request(.cancel, branch: "z9hG4bK-inv-1")
        cancel.headers.cseq = SIPCSeq(1, .cancel)
        cancel.headers.remove("Contact")
        let cancelled = peer.deliver(.request(cancel))
        let codes = Peer.responses(cancelled).map { "\($0.statusCode) \($0.cseq?.method.rawValue ?? "")" }
        #expect(codes == ["200 CANCEL", "487 INVITE"])
        #expect(cancelled.contains(.callEnded(callID: call.callID, reason: .cancelled)))
        // ACK for the 487 is absorbed by the transaction.
        let ack = SIPClientInviteTransaction.ackForNonSuccess(invite, response: try #require(Peer.responses(cancelled).last))
        let acked = peer.deliver(.request(ack))
        #expect(Peer.sent(acked).isEmpty)
        #expect(!acked.contains { if case .dropped = $0 { true } else { false } })
        // Answering now does nothing.
        #expect(Peer.sent(peer.command(.answer(callID: call.callID, rtpPort: 1))).isEmpty)
    }

    @Test func optionsKeepAlive() {
        var peer = Peer()
        let actions = peer.deliver(.request(Fixtures.request(.options)))
        let response = Peer.responses(actions).first
        #expect(response?.statusCode == 200)
        #expect(response?.headers["Allow"]?.contains("OPTIONS") == true)
        #expect(response?.headers["Accept"] == "application/sdp")
        #expect(response?.headers["Supported"] != nil)
    }

    @Test func infoDTMFAndUnknownDialog() throws {
        var peer = Peer()
        let ok = try peer.establish()
        let info = Peer.inDialog(.info, response: ok, cseq: 2, branch: "z9hG4bK-info", body: "Signal=5\r\nDuration=160\r\n", contentType: "application/dtmf-relay")
        let actions = peer.deliver(.request(info))
        #expect(Peer.responses(actions).map(\.statusCode) == [200])
        #expect(actions.contains(.dtmf(callID: "call-1@192.0.2.1", digit: "5", durationMs: 160)))
        let star = Peer.inDialog(.info, response: ok, cseq: 3, branch: "z9hG4bK-info2", body: "Signal=10\r\n", contentType: "application/dtmf-relay")
        #expect(peer.deliver(.request(star)).contains(.dtmf(callID: "call-1@192.0.2.1", digit: "*", durationMs: nil)))
        // Out-of-order CSeq → 500; wrong dialog → 481.
        let old = Peer.inDialog(.info, response: ok, cseq: 1, branch: "z9hG4bK-info3", body: "Signal=1\r\n", contentType: "application/dtmf-relay")
        #expect(Peer.responses(peer.deliver(.request(old))).map(\.statusCode) == [500])
        let stray = Fixtures.request(.bye, branch: "z9hG4bK-stray", cseq: 9, toTag: "nope")
        #expect(Peer.responses(peer.deliver(.request(stray))).map(\.statusCode) == [481])
    }

    @Test func referAndNotifySipfrag() throws {
        var peer = Peer()
        let ok = try peer.establish()
        let actions = peer.command(.refer(callID: "call-1@192.0.2.1", target: try SIPURI(parsing: "sip:agent@192.0.2.50")))
        let refer = try #require(Peer.requests(actions).first)
        #expect(refer.method == .refer)
        #expect(refer.headers["Refer-To"] == "<sip:agent@192.0.2.50>")
        #expect(refer.to?.tag == "caller-tag")
        #expect(refer.from?.tag == ok.to?.tag)
        #expect(refer.uri.user == "caller")  // remote target from Contact
        let accepted = peer.deliver(.response(refer.makeResponse(202)))
        #expect(accepted.contains(.referProgress(callID: "call-1@192.0.2.1", statusCode: 202, final: false)))
        var notify = Peer.inDialog(.notify, response: ok, cseq: 2, branch: "z9hG4bK-n1", body: "SIP/2.0 200 OK\r\n", contentType: "message/sipfrag")
        notify.headers.add("Event", "refer")
        notify.headers.add("Subscription-State", "terminated;reason=noresource")
        let notified = peer.deliver(.request(notify))
        #expect(Peer.responses(notified).map(\.statusCode) == [200])
        #expect(notified.contains(.referProgress(callID: "call-1@192.0.2.1", statusCode: 200, final: true)))
    }

    @Test func reinviteHoldAndGlare() throws {
        var peer = Peer()
        let ok = try peer.establish()
        let holdOffer = Peer.offer.replacingOccurrences(of: "a=sendrecv", with: "a=sendonly")
        let reinvite = Peer.inDialog(.invite, response: ok, cseq: 2, branch: "z9hG4bK-re1", body: holdOffer, contentType: "application/sdp")
        let actions = peer.deliver(.request(reinvite))
        let answer = try #require(Peer.responses(actions).first { $0.statusCode == 200 })
        #expect(try SDPSession(parsing: answer.body).media.first?.direction == .recvonly)
        let media = try #require(actions.compactMap { if case .mediaUpdated(_, let media) = $0 { media } else { nil } }.first)
        #expect(media.isRemoteHold)
        _ = peer.deliver(.request(Peer.inDialog(.ack, response: ok, cseq: 2, branch: "z9hG4bK-ack2")))
        // We start a re-INVITE (hold); their INVITE crossing it gets 491.
        let ours = try #require(Peer.requests(peer.command(.hold(callID: "call-1@192.0.2.1", on: true))).first)
        #expect(ours.method == .invite)
        #expect(try SDPSession(parsing: ours.body).media.first?.direction == .sendonly)
        let crossing = Peer.inDialog(.invite, response: ok, cseq: 3, branch: "z9hG4bK-re2", body: Peer.offer, contentType: "application/sdp")
        #expect(Peer.responses(peer.deliver(.request(crossing))).contains { $0.statusCode == 491 })
    }

    @Test func noCommonCodecGives488() {
        var peer = Peer(codecs: [.opus])
        let actions = peer.deliver(.request(Peer.invite()))
        #expect(Peer.responses(actions).map(\.statusCode) == [100, 488])
        #expect(!actions.contains { if case .incomingCall = $0 { true } else { false } })
    }

    @Test func garbageIsDroppedOrAnswered400() {
        var peer = Peer()
        let garbage = peer.core.handle(.datagram([0x16, 0x03, 0x01, 0xFF, 0x00], from: peer.address), at: .zero)
        #expect(Peer.sent(garbage).isEmpty)
        #expect(garbage.contains { if case .dropped = $0 { true } else { false } })
        let broken = Array("INVITE  sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nCSeq: 1 INVITE\r\nCall-ID: x\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n\r\n".utf8)
        #expect(Peer.responses(peer.core.handle(.datagram(broken, from: peer.address), at: .zero)).map(\.statusCode) == [400])
        #expect(Peer.sent(peer.core.handle(.datagram(Array("\r\n\r\n".utf8), from: peer.address), at: .zero)).isEmpty)
        var random = SIPRandom(seed: 7)
        for _ in 0..<2000 {
            let bytes = (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = peer.core.handle(.datagram(bytes, from: peer.address), at: .zero)
        }
    }
}
