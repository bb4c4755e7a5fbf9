// Callers who never speak (issue 13), live over real SIP/RTP on 127.0.0.1: an in-process SwitchboardService
// runs a greeting and a menu with two retries; one caller sends µ-law digital silence (0xFF) the whole time,
// one only RFC 3389 comfort noise (PT 13), one no RTP at all after the ACK. Each must hear the greeting, the
// menu three times and reach the menu's `no_input` branch — the media clock, not caller audio, finishes the
// prompts and starts the no-input timers. And a call whose RTP stops is hung up after `sip.rtp_timeout` with a
// BYE and end reason `rtp_timeout` (but not while the caller has put it on hold).
import CallLog
import Foundation
import Server
import Synchronization
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration)) struct SilentCallerTests {
    enum CallerMedia: String, CaseIterable, Sendable {
        case digitalSilence, comfortNoise, noRTP
    }

    static let flow = """
        name: silent
        defaults:
          timeouts: {no_input_ms: NO_INPUT_MS}
        start: greeting
        steps:
          greeting:
            say: "Hello."
            next: menu
          menu:
            gather: both
            prompt: "Press one."
            reprompt: "Again."
            retries: 2
            on:
              "1": bye
              no_input: gave_up
              no_match: bye
          gave_up:
            say: "Goodbye."
            next: bye
          bye:
            hangup: done

        """

    struct Service {
        let service: SwitchboardService
        let db: String
    }

    static func start(in folder: TempFolder, rtpTimeout: Int = 30, noInputMs: Int = 600) async throws -> Service {
        let text = flow.replacingOccurrences(of: "NO_INPUT_MS", with: "\(noInputMs)")
        let running = try await FlowCallTestService.start(flows: ["silent.yaml": text], in: folder) {
            $0.sip.rtpTimeout = rtpTimeout
        }
        return Service(service: running.service, db: running.configuration.callLog.db)
    }

    /// Sends the caller's media (a packet every 20 ms, on a thread of its own) until `stop`.
    final class MediaSender: @unchecked Sendable {
        private let stop = Atomic<Bool>(false)
        private let finished = Atomic<Bool>(false)
        /// Sent packets.
        let sent = Atomic<Int>(0)

        init(phone: SIPTestPhone, dialog: SIPTestPhone.Dialog, kind: CallerMedia) {
            guard kind != .noRTP else {
                finished.store(true, ordering: .relaxed)
                return
            }
            Thread.detachNewThread { [self] in
                var sequence: UInt16 = 1000
                var timestamp: UInt32 = 50_000
                let start = ContinuousClock.now
                var tick = 0
                while !stop.load(ordering: .relaxed) {
                    switch kind {
                    case .digitalSilence:
                        phone.sendRTP(
                            dialog, sequence: sequence, timestamp: timestamp, ssrc: 0x51_1E_7, payload: [UInt8](repeating: 0xFF, count: 160),
                            marker: tick == 0)
                        sequence &+= 1
                        sent.add(1, ordering: .relaxed)
                    case .comfortNoise:
                        // RFC 3389 §4: a CN packet at the start of the silence, then an update now and then
                        // (every 200 ms here); level 60 −dBov, no spectral information.
                        if tick % 10 == 0 {
                            var packet: [UInt8] = [0x80, (tick == 0 ? 0x80 : 0) | 13]
                            packet += [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
                            packet += [24, 16, 8, 0].map { UInt8((timestamp >> UInt32($0)) & 0xFF) }
                            packet += [0, 0x51, 0xC0, 0x17, 60]
                            phone.media.send(packet, to: dialog.mediaPort)
                            sequence &+= 1
                            sent.add(1, ordering: .relaxed)
                        }
                    case .noRTP:
                        break
                    }
                    timestamp &+= 160
                    tick += 1
                    Thread.sleep(until: Date().addingTimeInterval(max(0, Self.due(start, tick))))
                }
                finished.store(true, ordering: .relaxed)
            }
        }

        static func due(_ start: ContinuousClock.Instant, _ tick: Int) -> Double {
            let next = start + .milliseconds(20 * tick)
            let left = ContinuousClock.now.duration(to: next)
            return Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
        }

        func finish() {
            stop.store(true, ordering: .relaxed)
            let deadline = Date().addingTimeInterval(2)
            while !finished.load(ordering: .relaxed), Date() < deadline { usleep(5_000) }
        }
    }

    /// Answers the server's requests until it sends BYE (true) or `limit` passes (false).
    static func waitForBye(_ phone: SIPTestPhone, limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            phone.drain(for: .milliseconds(200))
            if phone.requestsReceived.contains(where: { $0.hasPrefix("BYE ") }) { return true }
        }
        return false
    }

    /// The call's row once it has ended (the writer commits every ~100 ms).
    static func endedCall(_ callID: String, db: String) async throws -> CallDetail {
        let store = try CallLogStore(path: db)
        let deadline = ContinuousClock.now + .seconds(10)
        var row: CallDetail?
        while ContinuousClock.now < deadline {
            row = try? await store.call(id: callID)
            if row?.call.endedAt != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try #require(row, "no call row for \(callID)")
    }

    static func steps(_ detail: CallDetail) -> [String] {
        detail.events.filter { $0.kind == "step_entered" }.compactMap {
            if case .string(let step) = $0.data["step"] { return step }
            return nil
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: CallerMedia.allCases)
    func aSilentCallerReachesNoInputAfterTheRetries(media: CallerMedia) async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let running = try await Self.start(in: folder)
        let phone = try SIPTestPhone(serverPort: running.service.sipPort)
        let callID = "silent-\(media.rawValue)-\(UUID().uuidString.prefix(8))"
        let started = ContinuousClock.now
        let dialog: SIPTestPhone.Dialog
        do {
            dialog = try phone.call(user: "silent", callID: callID, caller: "+15550100013", comfortNoise: media == .comfortNoise)
        } catch {
            await running.service.stop()
            throw error
        }
        let sender = MediaSender(phone: phone, dialog: dialog, kind: media)
        let byeFromServer = Self.waitForBye(phone, limit: .seconds(25))
        let elapsed = ContinuousClock.now - started
        sender.finish()
        if !byeFromServer { try? phone.hangUp(dialog) }
        let detail = try await Self.endedCall(callID, db: running.db)
        await running.service.stop()

        if media == .comfortNoise {
            #expect(dialog.answer.contains("CN/8000"), "our answer offers comfort noise back: \(dialog.answer)")
        }
        if media != .noRTP { #expect(sender.sent.load(ordering: .relaxed) > 0) }
        #expect(byeFromServer, "the flow hung up by itself (BYE from the server)")
        #expect(Self.steps(detail) == ["greeting", "menu", "gave_up", "bye"], "\(detail.events.map(\.kind))")
        let botTurns = detail.turns.filter { $0.role == "bot" }.map(\.transcript)
        #expect(botTurns == ["Hello.", "Press one.", "Again.", "Again.", "Goodbye."])
        #expect(detail.call.endReason == "completed")
        // Three prompts, three 600 ms no-input waits and two short sayings: well under 15 s.
        #expect(elapsed < .seconds(15), "took \(elapsed)")
    }

    @Test(.timeLimit(.minutes(1)))
    func rtpTimeoutHangsUpACallWhoseMediaStopped() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        // A flow that waits long for a digit: only the RTP timeout can end this call early.
        let running = try await Self.start(in: folder, rtpTimeout: 2, noInputMs: 20_000)
        let phone = try SIPTestPhone(serverPort: running.service.sipPort)
        let callID = "rtp-timeout-\(UUID().uuidString.prefix(8))"
        let started = ContinuousClock.now
        let dialog: SIPTestPhone.Dialog
        do {
            dialog = try phone.call(user: "silent", callID: callID, caller: "+15550100014")
        } catch {
            await running.service.stop()
            throw error
        }
        // One second of digital silence, then nothing: the timeout counts from the last packet.
        let sender = MediaSender(phone: phone, dialog: dialog, kind: .digitalSilence)
        phone.drain(for: .seconds(1))
        sender.finish()
        let stoppedAt = ContinuousClock.now
        let byeFromServer = Self.waitForBye(phone, limit: .seconds(8))
        let byeAfter = ContinuousClock.now - stoppedAt
        if !byeFromServer { try? phone.hangUp(dialog) }
        let detail = try await Self.endedCall(callID, db: running.db)
        await running.service.stop()

        #expect(byeFromServer, "the server sent BYE")
        #expect(byeAfter >= .milliseconds(1800) && byeAfter < .seconds(4), "BYE \(byeAfter) after the last RTP")
        #expect(detail.call.endReason == "rtp_timeout")
        #expect(detail.events.contains { $0.kind == "rtp_timeout" })
        // The flow had not finished: it never reached its goodbye.
        #expect(!Self.steps(detail).contains("gave_up"))
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}
