import Testing
@testable import SIP

@Suite struct SIPTransactionTests {
    let timers = SIPTimerConfig()

    @Test func serverInvite2xxRetransmitsUntilGivingUp() throws {
        let invite = Fixtures.request(.invite)
        var transaction = SIPServerInviteTransaction(request: invite, key: try #require(SIPTransactionKey.server(for: invite)))
        var clock = VirtualTimers<SIPTimer>()
        let start = transaction.start(at: .zero)
        #expect(Fixtures.sent(start).first?.response?.statusCode == 100)
        var actions = transaction.handle(.send(invite.makeResponse(200, toTag: "uas")), at: .milliseconds(10))
        clock.apply(actions)
        var sendTimes: [Duration] = []
        var timedOut = false
        while let (timer, deadline) = clock.pop() {
            actions = transaction.handle(.timer(timer), at: deadline)
            clock.apply(actions)
            if !Fixtures.sent(actions).isEmpty { sendTimes.append(deadline) }
            if actions.contains(.timeout) { timedOut = true }
        }
        let expected: [Duration] = [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5].map { .milliseconds(10) + .milliseconds(Int($0 * 1000)) }
        #expect(sendTimes == expected)
        #expect(timedOut)
        #expect(transaction.state == .terminated)
    }

    @Test func serverInviteStopsOnACKAndAbsorbsRetransmissions() throws {
        let invite = Fixtures.request(.invite)
        var transaction = SIPServerInviteTransaction(request: invite, key: try #require(SIPTransactionKey.server(for: invite)))
        _ = transaction.start(at: .zero)
        let ok = invite.makeResponse(200, toTag: "uas")
        _ = transaction.handle(.send(ok), at: .zero)
        var ack = Fixtures.request(.ack, branch: "z9hG4bK-ack", toTag: "uas")
        ack.headers.cseq = SIPCSeq(1, .ack)
        let actions = transaction.handle(.received(.request(ack)), at: .milliseconds(300))
        #expect(actions.contains(.cancelTimer(.retransmit2xx)))
        #expect(actions.contains(.deliver(.request(ack))))
        #expect(transaction.handle(.received(.request(invite)), at: .seconds(1)).isEmpty)  // absorbed (RFC 6026)
        #expect(transaction.handle(.timer(.l), at: .seconds(32)) == [.terminated])
    }

    @Test func serverInviteNonSuccessUsesTimerGAndH() throws {
        let invite = Fixtures.request(.invite)
        var transaction = SIPServerInviteTransaction(request: invite, key: try #require(SIPTransactionKey.server(for: invite)))
        _ = transaction.start(at: .zero)
        // A retransmitted INVITE while proceeding re-sends the last provisional.
        #expect(Fixtures.sent(transaction.handle(.received(.request(invite)), at: .milliseconds(100))).first?.response?.statusCode == 100)
        var clock = VirtualTimers<SIPTimer>()
        clock.apply(transaction.handle(.send(invite.makeResponse(486, toTag: "uas")), at: .zero))
        var retransmits: [Duration] = []
        while let (timer, deadline) = clock.pop() {
            let actions = transaction.handle(.timer(timer), at: deadline)
            clock.apply(actions)
            if !Fixtures.sent(actions).isEmpty { retransmits.append(deadline) }
            if timer == .h { #expect(actions.contains(.timeout)) }
        }
        #expect(retransmits.prefix(5) == [.milliseconds(500), .milliseconds(1500), .milliseconds(3500), .milliseconds(7500), .milliseconds(11500)])
        #expect(transaction.state == .terminated)
    }

    @Test func serverInviteNonSuccessConfirmedByACK() throws {
        let invite = Fixtures.request(.invite)
        var transaction = SIPServerInviteTransaction(request: invite, key: try #require(SIPTransactionKey.server(for: invite)))
        _ = transaction.start(at: .zero)
        _ = transaction.handle(.send(invite.makeResponse(487, toTag: "uas")), at: .zero)
        let ack = SIPClientInviteTransaction.ackForNonSuccess(invite, response: invite.makeResponse(487, toTag: "uas"))
        #expect(SIPTransactionKey.server(for: ack) == transaction.key)
        let actions = transaction.handle(.received(.request(ack)), at: .seconds(1))
        #expect(actions == [.cancelTimer(.g), .cancelTimer(.h), .startTimer(.i, deadline: .seconds(6))])
        #expect(transaction.state == .confirmed)
        #expect(transaction.handle(.timer(.i), at: .seconds(6)) == [.terminated])
    }

    @Test func serverNonInviteTimerJAndRetransmission() throws {
        let bye = Fixtures.request(.bye, toTag: "uas")
        var transaction = SIPServerNonInviteTransaction(request: bye, key: try #require(SIPTransactionKey.server(for: bye)))
        #expect(transaction.handle(.received(.request(bye)), at: .zero).isEmpty)  // trying: absorbed
        let actions = transaction.handle(.send(bye.makeResponse(200)), at: .seconds(1))
        #expect(actions.contains(.startTimer(.j, deadline: .seconds(33))))
        #expect(Fixtures.sent(transaction.handle(.received(.request(bye)), at: .seconds(2))).first?.response?.statusCode == 200)
        #expect(transaction.handle(.timer(.j), at: .seconds(33)) == [.terminated])
    }

    @Test func clientInviteTimerAAndB() {
        var transaction = SIPClientInviteTransaction(request: Fixtures.request(.invite))
        var clock = VirtualTimers<SIPTimer>()
        clock.apply(transaction.start(at: .zero))
        var sends: [Duration] = []
        var timedOut = false
        while let (timer, deadline) = clock.pop() {
            let actions = transaction.handle(.timer(timer), at: deadline)
            clock.apply(actions)
            if !Fixtures.sent(actions).isEmpty { sends.append(deadline) }
            timedOut = timedOut || actions.contains(.timeout)
        }
        #expect(sends == [0.5, 1.5, 3.5, 7.5, 15.5, 31.5].map { .milliseconds(Int($0 * 1000)) })
        #expect(timedOut)
    }

    @Test func clientInviteACKsNonSuccessAndAbsorbsRetransmission() {
        let invite = Fixtures.request(.invite)
        var transaction = SIPClientInviteTransaction(request: invite)
        _ = transaction.start(at: .zero)
        let ringing = invite.makeResponse(180, toTag: "remote")
        #expect(transaction.handle(.received(.response(ringing)), at: .milliseconds(100)).contains(.deliver(.response(ringing))))
        let busy = invite.makeResponse(486, toTag: "remote")
        let actions = transaction.handle(.received(.response(busy)), at: .seconds(1))
        let ack = Fixtures.sent(actions).first?.request
        #expect(ack?.method == .ack)
        #expect(ack?.cseq == SIPCSeq(1, .ack))
        #expect(ack?.to?.tag == "remote")
        #expect(ack?.topVia?.branch == invite.topVia?.branch)
        #expect(actions.contains(.deliver(.response(busy))))
        let again = transaction.handle(.received(.response(busy)), at: .seconds(2))
        #expect(Fixtures.sent(again).first?.request?.method == .ack)
        #expect(!again.contains(.deliver(.response(busy))))
        #expect(transaction.handle(.timer(.d), at: .seconds(33)) == [.terminated])
    }

    @Test func clientInvite2xxGoesToAccepted() {
        let invite = Fixtures.request(.invite)
        var transaction = SIPClientInviteTransaction(request: invite)
        _ = transaction.start(at: .zero)
        let ok = invite.makeResponse(200, toTag: "remote")
        #expect(transaction.handle(.received(.response(ok)), at: .seconds(1)).contains(.deliver(.response(ok))))
        #expect(transaction.state == .accepted)
        #expect(transaction.handle(.received(.response(ok)), at: .seconds(2)) == [.deliver(.response(ok))])
        #expect(transaction.handle(.timer(.m), at: .seconds(33)) == [.terminated])
    }

    @Test func clientNonInviteTimerECapsAtT2() {
        var transaction = SIPClientNonInviteTransaction(request: Fixtures.request(.options))
        var clock = VirtualTimers<SIPTimer>()
        clock.apply(transaction.start(at: .zero))
        var sends: [Duration] = []
        var timedOut = false
        while let (timer, deadline) = clock.pop() {
            let actions = transaction.handle(.timer(timer), at: deadline)
            clock.apply(actions)
            if !Fixtures.sent(actions).isEmpty { sends.append(deadline) }
            timedOut = timedOut || actions.contains(.timeout)
        }
        #expect(Array(sends.prefix(6)) == [0.5, 1.5, 3.5, 7.5, 11.5, 15.5].map { .milliseconds(Int($0 * 1000)) })
        #expect(timedOut)
        var second = SIPClientNonInviteTransaction(request: Fixtures.request(.options))
        _ = second.start(at: .zero)
        let ok = Fixtures.request(.options).makeResponse(200)
        #expect(second.handle(.received(.response(ok)), at: .seconds(1)).contains(.startTimer(.k, deadline: .seconds(6))))
    }
}
