// DTMF out on a live call (issue 14): a flow's `send_dtmf: "1234#"` reaches a real SIP peer that offered
// telephone-event as RFC 4733 events, decoded back here from the RTP the peer received (one digit per event:
// the end packets of one event share its timestamp); the digits keep the standard timing (100 ms, 70 ms gap).
import CallLog
import Foundation
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration))
struct FlowSendDTMFTests {
    static let flow = """
        name: dialer
        start: dial
        steps:
          dial:
            send_dtmf: "12w34#"
            next: bye
          bye:
            hangup: digits sent

        """

    /// A decoded RFC 4733 event: digit, RTP timestamp of its start, arrival of its first packet.
    struct Event {
        var digit: Character
        var timestamp: UInt32
        var firstAt: ContinuousClock.Instant
    }

    /// Reads the server's RTP until it hangs up (BYE answered by the phone) or `limit`; returns the events.
    static func listen(_ phone: SIPTestPhone, limit: Duration) -> [Event] {
        let keys: [Character] = Array("0123456789*#ABCD")
        var events: [Event] = []
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard let packet = phone.media.receive() else {
                phone.drain(for: .milliseconds(1))
                if phone.requestsReceived.contains(where: { $0.hasPrefix("BYE ") }) { break }
                continue
            }
            guard packet.count >= 16, packet[1] & 0x7F == 101 else { continue }
            let timestamp = packet[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let code = Int(packet[12])
            guard code < keys.count, !events.contains(where: { $0.timestamp == timestamp }) else { continue }
            events.append(Event(digit: keys[code], timestamp: timestamp, firstAt: .now))
        }
        return events
    }

    @Test(.timeLimit(.minutes(1)))
    func sendDTMFIsDecodedBackByThePeerAsRFC4733() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let service = try await FlowCallTestService.start(flows: ["dialer.yaml": Self.flow], in: folder)
        do {
            let port = service.sipPort
            let callID = "dtmf-\(UUID().uuidString)"
            let events = try await onThread {
                let phone = try SIPTestPhone(serverPort: port)
                _ = try phone.call(user: "dialer", callID: callID, caller: "+15550100002")
                return Self.listen(phone, limit: .seconds(8))
            }
            let detail = try await service.endedCall(id: callID)
            await service.stop()
            #expect(String(events.map(\.digit)) == "1234#")
            // Event starts 8 kHz timestamps apart: 170 ms (100 ms + 70 ms gap, to the media tick) between
            // digits, and the `w` pause (500 ms more) between 2 and 3.
            let gaps = zip(events.dropFirst(), events).map { Int($0.timestamp &- $1.timestamp) / 8 }
            #expect(gaps.count == 4)
            if gaps.count == 4 {
                for index in [0, 2, 3] { #expect((140...220).contains(gaps[index]), "gaps \(gaps) ms") }
                #expect((600...760).contains(gaps[1]), "gaps \(gaps) ms")
            }
            #expect(detail.call.endReason == "completed")
            #expect(CallLogText.detail(detail).contains("1234# via rfc4733"))
        } catch {
            await service.stop()
            throw error
        }
    }
}
