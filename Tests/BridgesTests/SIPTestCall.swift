import Foundation
import SwitchboardTestKit
import RTP
import Synchronization

/// A minimal SIP UAC + RTP peer on real 127.0.0.1 sockets for the SIP bridge tests: INVITE with a chosen
/// codec list, ACK, in-dialog requests (re-INVITE, OPTIONS, INFO, BYE), paced RTP out and every RTP packet
/// that comes back collected on a thread of its own.
final class SIPTestCall: @unchecked Sendable {
    let sip: UDPTestSocket
    let rtp: UDPTestSocket
    let serverPort: Int
    let user: String
    let callID = "sbtest-\(UUID().uuidString)"
    private(set) var toTag = ""
    private(set) var mediaPort = 0
    private var cseq = 1
    private var version = 1
    final class Shared: Sendable {
        let received = Mutex<[(at: ContinuousClock.Instant, packet: RTPPacket)]>([])
        let done = Atomic<Bool>(false)
    }

    private let shared = Shared()
    private var thread: Thread?

    init(serverPort: Int, user: String) throws {
        sip = try UDPTestSocket(receiveTimeoutMs: 100)
        rtp = try UDPTestSocket(receiveTimeoutMs: 50)
        self.serverPort = serverPort
        self.user = user
    }

    deinit { shared.done.store(true, ordering: .relaxed) }

    /// SDP offering `payloads` (0 PCMU, 8 PCMA, 111 Opus) and telephone-event 101.
    func sdp(_ payloads: [Int]) -> String {
        var lines = [
            "v=0", "o=- 7 \(version) IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
            "m=audio \(rtp.port) RTP/AVP \((payloads + [101]).map(String.init).joined(separator: " "))",
        ]
        for pt in payloads {
            switch pt {
            case 0: lines.append("a=rtpmap:0 PCMU/8000")
            case 8: lines.append("a=rtpmap:8 PCMA/8000")
            default: lines += ["a=rtpmap:\(pt) opus/48000/2", "a=fmtp:\(pt) useinbandfec=1"]
            }
        }
        lines += ["a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv", ""]
        version += 1
        return lines.joined(separator: "\r\n")
    }

    func request(_ method: String, branch: String, body: String? = nil, extra: [String] = []) -> String {
        var lines = [
            "\(method) sip:\(user)@127.0.0.1:\(serverPort) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(sip.port);branch=z9hG4bK-\(branch)",
            "From: <sip:tester@127.0.0.1>;tag=tester1",
            "To: <sip:\(user)@127.0.0.1>" + (toTag.isEmpty ? "" : ";tag=\(toTag)"),
            "Call-ID: \(callID)", "CSeq: \(cseq) \(method == "ACK" ? "ACK" : method)",
            "Contact: <sip:tester@127.0.0.1:\(sip.port)>", "Max-Forwards: 70",
        ] + extra
        if body != nil { lines.append("Content-Type: application/sdp") }
        lines += ["Content-Length: \(body?.utf8.count ?? 0)", "", body ?? ""]
        return lines.joined(separator: "\r\n")
    }

    /// INVITE → 200 (reads To-tag and the server's RTP port) → ACK. Returns the 200's SDP.
    func start(payloads: [Int]) throws -> String {
        sip.send(request("INVITE", branch: "inv\(cseq)", body: sdp(payloads)), to: serverPort)
        guard let ok = sip.receive(until: 5, where: { $0.hasPrefix("SIP/2.0 200") && $0.contains("INVITE") }) else {
            throw TestError("no 200 to INVITE")
        }
        toTag = Self.header("To", in: ok)?.components(separatedBy: "tag=").last ?? ""
        mediaPort = Self.mediaPort(in: ok) ?? 0
        sip.send(request("ACK", branch: "ack\(cseq)"), to: serverPort)
        startReceiving()
        return ok
    }

    /// A re-INVITE offering `payloads`; returns the final response (ACKed if 2xx).
    func reinvite(payloads: [Int]) throws -> String {
        cseq += 1
        sip.send(request("INVITE", branch: "reinv\(cseq)", body: sdp(payloads)), to: serverPort)
        guard let final = sip.receive(until: 5, where: { $0.hasPrefix("SIP/2.0 ") && !$0.hasPrefix("SIP/2.0 1") && $0.contains("INVITE") })
        else { throw TestError("no final response to re-INVITE") }
        if final.hasPrefix("SIP/2.0 2") { sip.send(request("ACK", branch: "ack\(cseq)"), to: serverPort) }
        if let port = Self.mediaPort(in: final) { mediaPort = port }
        return final
    }

    /// An in-dialog non-INVITE request; returns the final response text or nil.
    func inDialog(_ method: String, body: String? = nil, extra: [String] = []) -> String? {
        cseq += 1
        sip.send(request(method, branch: "\(method.lowercased())\(cseq)", body: body, extra: extra), to: serverPort)
        let n = cseq
        return sip.receive(until: 3) { $0.hasPrefix("SIP/2.0 ") && $0.contains("CSeq: \(n) \(method)") }
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
        rtp.send(try packet.serialized(), to: mediaPort)
    }

    /// RTP packets received since `since`.
    func packets(since: ContinuousClock.Instant) -> [RTPPacket] {
        shared.received.withLock { $0.filter { $0.at >= since }.map(\.packet) }
    }

    private func startReceiving() {
        guard thread == nil else { return }
        let thread = Thread { [rtp, shared] in
            while !shared.done.load(ordering: .relaxed) {
                if let d = rtp.receive(), let packet = try? RTPPacket(parsing: d) {
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
