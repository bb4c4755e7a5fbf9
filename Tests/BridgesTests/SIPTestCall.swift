import Foundation
import SwitchboardTestKit
import RTP
import Synchronization

/// One call of the kit's `SIPTestPhone` for the SIP bridge tests: INVITE with a chosen codec list, re-INVITEs,
/// in-dialog requests (OPTIONS, INFO, BYE), paced RTP out, and every RTP packet that comes back collected (as
/// parsed `RTPPacket`s) on a thread of its own.
final class SIPTestCall: @unchecked Sendable {
    // @unchecked: used from one task at a time; the receiving thread only touches `shared`.
    let phone: SIPTestPhone
    let user: String
    let callID = "sbtest-\(UUID().uuidString)"
    private var dialog: SIPTestPhone.Dialog?
    private var cseq = 1
    var mediaPort: Int { dialog?.mediaPort ?? 0 }
    final class Shared: Sendable {
        let received = Mutex<[(at: ContinuousClock.Instant, packet: RTPPacket)]>([])
        let done = Atomic<Bool>(false)
    }

    private let shared = Shared()
    private var thread: Thread?

    init(serverPort: Int, user: String) throws {
        phone = try SIPTestPhone(serverPort: serverPort)
        self.user = user
    }

    deinit { shared.done.store(true, ordering: .relaxed) }

    /// INVITE offering `payloads` (0 PCMU, 8 PCMA, 111 Opus) → 200 → ACK. Returns the 200 (with its SDP).
    func start(payloads: [Int]) throws -> String {
        let dialog = try phone.call(user: user, callID: callID, caller: "tester", timeout: .seconds(5), payloads: payloads)
        self.dialog = dialog
        startReceiving()
        return dialog.answer
    }

    /// A re-INVITE offering `payloads`; returns the final response (ACKed if 2xx).
    func reinvite(payloads: [Int]) throws -> String {
        guard var dialog else { throw TestError("re-INVITE before the call started") }
        cseq += 1
        let answer = try phone.reinvite(&dialog, payloads: payloads, cseq: cseq)
        self.dialog = dialog
        return answer
    }

    /// An in-dialog non-INVITE request; returns the final response text or nil.
    func inDialog(_ method: String, extra: [String] = []) -> String? {
        guard let dialog else { return nil }
        cseq += 1
        return try? phone.request(method, dialog, cseq: cseq, extra: extra)
    }

    func hangUp() -> Bool {
        let ok = inDialog("BYE")?.hasPrefix("SIP/2.0 200") == true
        shared.done.store(true, ordering: .relaxed)
        return ok
    }

    func sendRTP(payloadType: UInt8, sequence: Int, payload: [UInt8], samplesPerFrame: Int = 160) throws {
        let packet = RTPPacket(
            marker: sequence == 0, payloadType: payloadType, sequenceNumber: UInt16(truncatingIfNeeded: sequence),
            timestamp: UInt32(truncatingIfNeeded: sequence * samplesPerFrame), ssrc: 0x5151, payload: payload)
        phone.media.send(try packet.serialized(), to: mediaPort)
    }

    /// RTP packets received since `since`.
    func packets(since: ContinuousClock.Instant) -> [RTPPacket] {
        shared.received.withLock { $0.filter { $0.at >= since }.map(\.packet) }
    }

    private func startReceiving() {
        guard thread == nil else { return }
        let thread = Thread { [media = phone.media, shared] in
            while !shared.done.load(ordering: .relaxed) {
                if let d = media.receive(), let packet = try? RTPPacket(parsing: d) {
                    shared.received.withLock { $0.append((ContinuousClock.now, packet)) }
                }
            }
        }
        self.thread = thread
        thread.start()
    }

    static func header(_ name: String, in text: String) -> String? {
        text.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
    }

    static func mediaPort(in text: String) -> Int? {
        guard let m = text.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("m=audio ") }) else { return nil }
        return Int(m.split(separator: " ")[1])
    }

    /// Payload types listed on the m= line of `text`'s SDP.
    static func payloadTypes(in text: String) -> [Int] {
        guard let m = text.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("m=audio ") }) else { return [] }
        return m.split(separator: " ").dropFirst(3).compactMap { Int($0) }
    }
}
