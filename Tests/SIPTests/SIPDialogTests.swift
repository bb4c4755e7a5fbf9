import Testing
@testable import SIP

@Suite struct SIPDialogTests {
    let contact = SIPURI(user: "switchboard", host: "127.0.0.1", port: 5080)

    @Test func uasDialogFromInviteWithRecordRoute() throws {
        var invite = Fixtures.request(.invite, cseq: 7)
        invite.headers.add("Record-Route", "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>")
        var dialog = try #require(SIPDialog.uas(request: invite, localTag: "mine", localContact: contact, localSequence: 100))
        #expect(dialog.id == SIPDialogID(callID: "call-1@192.0.2.1", localTag: "mine", remoteTag: "caller-tag"))
        #expect(dialog.remoteSequence == 7)
        #expect(dialog.remoteTarget.host == "192.0.2.1")
        let bye = dialog.makeRequest(.bye, via: SIPVia(host: "127.0.0.1", port: 5080, branch: "z9hG4bK-b"))
        #expect(bye.uri == dialog.remoteTarget)
        #expect(bye.cseq == SIPCSeq(101, .bye))
        #expect(bye.headers.routes?.map(\.uri.host) == ["p1.example.com", "p2.example.com"])
        #expect(bye.from?.tag == "mine" && bye.to?.tag == "caller-tag")
        #expect(bye.to?.uri.user == "caller")
        // Incoming in-dialog requests: matching and CSeq ordering.
        let info = Fixtures.request(.info, cseq: 8, toTag: "mine")
        #expect(dialog.matches(info))
        let firstTime = dialog.acceptRemoteSequence(info)
        let replay = dialog.acceptRemoteSequence(info)
        #expect(firstTime && !replay)
        #expect(!dialog.matches(Fixtures.request(.info, cseq: 9, toTag: "other")))
    }

    @Test func uacDialogReversesRecordRouteAndUsesContact() throws {
        var invite = Fixtures.request(.invite)
        invite.headers.from = try SIPNameAddress(parsing: "<sip:switchboard@127.0.0.1>;tag=ours")
        var headers = SIPHeaders()
        headers.add("Record-Route", "<sip:p1.example.com;lr>")
        headers.add("Record-Route", "<sip:p2.example.com;lr>")
        headers.add("Contact", "<sip:callee@192.0.2.77:5070>")
        let ok = invite.makeResponse(200, toTag: "theirs", headers: headers)
        var dialog = try #require(SIPDialog.uac(request: invite, response: ok, localContact: contact))
        #expect(dialog.routeSet.map(\.uri.host) == ["p2.example.com", "p1.example.com"])
        #expect(dialog.remoteTarget.host == "192.0.2.77")
        let ack = dialog.makeRequest(.ack, via: SIPVia(host: "127.0.0.1", branch: "z9hG4bK-a"), sequence: 1)
        #expect(ack.cseq == SIPCSeq(1, .ack))
        #expect(ack.headers.contact == nil)
        let bye = dialog.makeRequest(.bye, via: SIPVia(host: "127.0.0.1", branch: "z9hG4bK-b"))
        #expect(bye.cseq == SIPCSeq(2, .bye))
    }

    @Test func strictRouterPutsRouteInRequestURI() throws {
        var invite = Fixtures.request(.invite)
        invite.headers.add("Record-Route", "<sip:strict.example.com>")
        var dialog = try #require(SIPDialog.uas(request: invite, localTag: "mine", localContact: contact))
        let bye = dialog.makeRequest(.bye, via: SIPVia(host: "127.0.0.1", branch: "z9hG4bK-b"))
        #expect(bye.uri.host == "strict.example.com")
        #expect(bye.headers.routes?.last?.uri.host == "192.0.2.1")
    }
}

@Suite struct SIPUserAgentMoreScenarios {
    @Test func delayedOfferInviteGetsOurOfferAndAnswerInACK() throws {
        var peer = Peer()
        let actions = peer.deliver(.request(Peer.invite(body: "")))
        let call = try #require(actions.compactMap { if case .incomingCall(let call) = $0 { call } else { nil } }.first)
        #expect(call.offer == nil)
        let answered = peer.command(.answer(callID: call.callID, rtpPort: 40000))
        let ok = try #require(Peer.responses(answered).first)
        let offer = try SDPSession(parsing: ok.body)
        #expect(offer.media.first?.formats.contains("0") == true)
        #expect(!answered.contains { if case .mediaUpdated = $0 { true } else { false } })
        var ack = Peer.inDialog(.ack, response: ok, cseq: 1, branch: "z9hG4bK-ack-d", body: "v=0\r\no=- 2 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 6002 RTP/AVP 8\r\n", contentType: "application/sdp")
        ack.headers.cseq = SIPCSeq(1, .ack)
        let acked = peer.deliver(.request(ack))
        let media = try #require(acked.compactMap { if case .mediaUpdated(_, let media) = $0 { media } else { nil } }.first)
        #expect(media.codec == .pcma && media.remotePort == 6002)
        #expect(acked.contains(.callEstablished(callID: call.callID)))
    }

    @Test func hangUpBeforeAnswerSends480AndNotifyBadEvent489() throws {
        var peer = Peer()
        let actions = peer.deliver(.request(Peer.invite()))
        let call = try #require(actions.compactMap { if case .incomingCall(let call) = $0 { call } else { nil } }.first)
        let hung = peer.command(.hangUp(callID: call.callID))
        #expect(Peer.responses(hung).map(\.statusCode) == [480])
        #expect(hung.contains(.callEnded(callID: call.callID, reason: .localHangUp)))

        var second = Peer()
        let ok = try second.establish()
        var notify = Peer.inDialog(.notify, response: ok, cseq: 2, branch: "z9hG4bK-n", body: "x", contentType: "message/sipfrag")
        notify.headers.add("Event", "presence")
        #expect(Peer.responses(second.deliver(.request(notify))).map(\.statusCode) == [489])
        // We hang up an established call: BYE to the peer's address, then its 200 clears the call.
        let bye = try #require(Peer.requests(second.command(.hangUp(callID: "call-1@192.0.2.1"))).first)
        #expect(bye.method == .bye && bye.to?.tag == "caller-tag")
        _ = second.deliver(.response(bye.makeResponse(200)))
        #expect(second.core.activeCallIDs.isEmpty)
    }

    @Test func reinviteWithoutSDPAndWithBadSDP() throws {
        var peer = Peer()
        let ok = try peer.establish()
        // A re-INVITE without SDP: we offer in the 200 and read the answer from the ACK.
        let first = Peer.inDialog(.invite, response: ok, cseq: 2, branch: "z9hG4bK-r1")
        let reply = try #require(Peer.responses(peer.deliver(.request(first))).first { $0.statusCode == 200 })
        #expect(try SDPSession(parsing: reply.body).media.first?.port == 40000)
        let ack = Peer.inDialog(.ack, response: ok, cseq: 2, branch: "z9hG4bK-a2", body: Peer.offer, contentType: "application/sdp")
        #expect(peer.deliver(.request(ack)).contains { if case .mediaUpdated = $0 { true } else { false } })
        // A re-INVITE whose SDP does not parse gets 400 and the call goes on.
        let bad = Peer.inDialog(.invite, response: ok, cseq: 3, branch: "z9hG4bK-r2", body: "garbage", contentType: "application/sdp")
        #expect(Peer.responses(peer.deliver(.request(bad))).contains { $0.statusCode == 400 })
        #expect(peer.core.activeCallIDs == ["call-1@192.0.2.1"])
    }

    @Test func transactionsAreCleanedUpAfterTimers() throws {
        var peer = Peer()
        _ = try peer.establish()
        #expect(peer.core.transactionCount > 0)
        // Fire every timer the core asks for, far in the future.
        var pending: [SIPUATimerID] = []
        for action in peer.core.handle(.command(.hangUp(callID: "call-1@192.0.2.1")), at: .seconds(1)) {
            if case .startTimer(let id, _) = action { pending.append(id) }
        }
        // Re-run all known server timers (L for the INVITE, J for nothing yet) plus the BYE client timers.
        for _ in 0..<20 {
            var next: [SIPUATimerID] = []
            for id in pending {
                for action in peer.core.handle(.timerFired(id), at: .seconds(100)) {
                    if case .startTimer(let newID, _) = action { next.append(newID) }
                }
            }
            pending = next
            if pending.isEmpty { break }
        }
        #expect(peer.core.activeCallIDs.isEmpty)
    }
}
