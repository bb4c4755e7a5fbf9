// Attended transfer's pure parts (issue 14): the Replaces header escaped into the Refer-To URI (RFC 3891,
// RFC 5589 §7), the UA core's REFER naming the second leg's dialog, and the transfer state machine.
import Foundation
import Testing
@testable import SIP

@Suite struct AttendedTransferTests {
    @Test func replacesIsEscapedAsAURIHeader() throws {
        // RFC 5589 §7.2's example dialog.
        let replaces = SIPReplaces(callID: "090459243588173445", toTag: "7553452", fromTag: "31431")
        #expect(replaces.headerValue == "090459243588173445;to-tag=7553452;from-tag=31431")
        let target = replaces.referTarget(try SIPURI(parsing: "sips:transferee@192.0.2.4"))
        #expect(target.serialized == "sips:transferee@192.0.2.4?Replaces=090459243588173445%3Bto-tag%3D7553452%3Bfrom-tag%3D31431")
        // `@`, `%`, `&`, `=` and spaces in a Call-ID are escaped; unreserved marks stay.
        #expect(SIPReplaces.escapeHeaderValue("a1-b_c.d!~*'()@host%&= x") == "a1-b_c.d!~*'()%40host%25%26%3D%20x")
        // Parsing the Refer-To back gives the Replaces value unescaped.
        let parsed = try SIPURI(parsing: target.serialized)
        #expect(parsed.headers.first?.name == "Replaces")
        #expect(parsed.headers.first?.value?.removingPercentEncoding == replaces.headerValue)
        // Our dialog's tags, seen from the target: its local tag is our remote tag.
        let mine = SIPReplaces(replacing: SIPDialogID(callID: "leg2@sb", localTag: "ours", remoteTag: "theirs"))
        #expect(mine == SIPReplaces(callID: "leg2@sb", toTag: "theirs", fromTag: "ours"))
    }

    @Test func coreREFERsTheCallerWithReplacesNamingTheTargetLeg() throws {
        var peer = Peer()
        _ = try peer.establish()
        // The second leg: our INVITE to the target, answered 200 with the target's Contact.
        let leg = SIPOutboundCall(
            callID: "leg2-1@192.0.2.10", target: try SIPURI(parsing: "sip:desk@192.0.2.60"), nextHop: SIPEndpoint(host: "192.0.2.60", port: 5060),
            rtpPort: 41002)
        let invite = try #require(Peer.requests(peer.command(.placeCall(leg))).first)
        var okHeaders = SIPHeaders()
        okHeaders.add("Contact", "<sip:desk@192.0.2.61:5070>")
        okHeaders.add("Content-Type", "application/sdp")
        let sdp = "v=0\r\no=- 9 9 IN IP4 192.0.2.61\r\ns=-\r\nc=IN IP4 192.0.2.61\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\n"
        let ok = invite.makeResponse(200, toTag: "desk-tag", headers: okHeaders, body: Array(sdp.utf8))
        #expect(peer.deliver(.response(ok)).contains(.callEstablished(callID: "leg2-1@192.0.2.10")))
        let ourTag = try #require(invite.from?.tag)

        let refer = try #require(Peer.requests(peer.command(.referReplacing(callID: "call-1@192.0.2.1", replacing: "leg2-1@192.0.2.10"))).first)
        #expect(refer.method == .refer)
        #expect(refer.callID == "call-1@192.0.2.1")
        #expect(
            refer.headers["Refer-To"]
                == "<sip:desk@192.0.2.61:5070?Replaces=leg2-1%40192.0.2.10%3Bto-tag%3Ddesk-tag%3Bfrom-tag%3D\(ourTag)>")
        // A leg that is not established cannot be replaced: a final failure at once.
        let none = peer.command(.referReplacing(callID: "call-1@192.0.2.1", replacing: "nope"))
        #expect(none.contains(.referProgress(callID: "call-1@192.0.2.1", statusCode: 481, final: true)))
    }

    @Test func machineWhispersThenREFERsAndHangsUpTheReplacedLeg() {
        var machine = AttendedTransferMachine()
        #expect(machine.handle(.targetAnswered) == [])
        #expect(machine.state == .whispering)
        #expect(machine.handle(.whisperFinished) == [.sendRefer])
        #expect(machine.handle(.referCompleted) == [.hangUpTarget, .report(.transferred)])
        #expect(machine.state == .done)
        #expect(machine.handle(.callerHungUp) == [])
    }

    @Test func machineBridgesWhenREFERIsRefusedAndEndsBothLegs() {
        var machine = AttendedTransferMachine()
        _ = machine.handle(.targetAnswered)
        _ = machine.handle(.whisperFinished)
        #expect(machine.handle(.referFailed(reason: "the REFER was answered 405")) == [.bridge, .report(.bridged(detail: "the REFER was answered 405"))])
        #expect(machine.state == .bridged)
        #expect(machine.handle(.callerHungUp) == [.hangUpTarget])
        var other = AttendedTransferMachine()
        _ = other.handle(.whisperFinished)  // no whisper: done before the answer was reported
        #expect(other.handle(.targetAnswered) == [.sendRefer])
        _ = other.handle(.referFailed(reason: "timeout"))
        #expect(other.handle(.targetHungUp) == [.hangUpCaller])
        #expect(other.state == .done)
    }

    @Test func machineReportsTargetFailuresAndCancelsWhenTheCallerLeaves() {
        var busy = AttendedTransferMachine()
        #expect(busy.handle(.targetFailed(reason: "the target answered 486")) == [.report(.failed(reason: "the target answered 486"))])
        #expect(busy.handle(.targetAnswered) == [])
        var gone = AttendedTransferMachine()
        #expect(gone.handle(.callerHungUp) == [.hangUpTarget, .report(.failed(reason: "the caller hung up while the target was called"))])
        var dropped = AttendedTransferMachine()
        _ = dropped.handle(.targetAnswered)
        #expect(dropped.handle(.targetHungUp) == [.report(.failed(reason: "the target hung up during the whisper"))])
    }
}
