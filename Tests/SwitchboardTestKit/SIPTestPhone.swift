// SwitchboardTestKit: the one SIP test caller. A minimal SIP UAC over real UDP sockets on 127.0.0.1 (the serve
// tests, the bridge tests): INVITE (PCMU + telephone-event), ACK, BYE, INFO digits, and raw RTP to the server's
// media port. It answers 200 to any request the server sends. (sipp plays callers from scenario files; this one
// is for tests that drive each packet themselves.)
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One caller with any number of calls to a Switchboard on `serverPort`.
public final class SIPTestPhone: @unchecked Sendable {
    // @unchecked: used from one task at a time.
    /// A test caller's failure (no answer, a refusal, an answer without SDP).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Dialog: Sendable {

        public let callID: String
        public let user: String
        public let fromTag: String
        public let toTag: String
        /// The server's RTP port from its SDP answer.
        public var mediaPort: Int
        /// The server's 200 OK to the INVITE (with its SDP answer).
        public var answer = ""
    }

    public let serverPort: Int
    public let sip: UDPTestSocket
    /// Where the server sends its RTP (every call of this phone shares it; nothing reads it unless asked).
    public let media: UDPTestSocket
    private var unread: [String] = []
    private var branch = 0
    private var sdpVersion = 0
    /// Every request the server sent (BYE, OPTIONS, NOTIFY…), in arrival order.
    public private(set) var requestsReceived: [String] = []

    public init(serverPort: Int) throws {
        self.serverPort = serverPort
        sip = try UDPTestSocket(receiveTimeoutMs: 100)
        media = try UDPTestSocket(receiveTimeoutMs: 50)
    }

    private func nextBranch() -> String {
        branch += 1
        return "z9hG4bK-phone-\(sip.port)-\(branch)"
    }

    public static func header(_ name: String, compact: String? = nil, in message: String) -> String? {
        for line in message.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            if key == name.lowercased() || key == compact {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// An SDP offer of `payloads` (0 PCMU, 8 PCMA, any other number Opus/48000/2) and telephone-event 101;
    /// `comfortNoise` adds CN/8000 (RFC 3389, payload type 13). Each offer has a new `o=` version.
    public func offer(payloads: [Int], comfortNoise: Bool = false) -> String {
        sdpVersion += 1
        var lines = [
            "v=0", "o=- 1 \(sdpVersion) IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0",
            "m=audio \(media.port) RTP/AVP \((payloads + [101] + (comfortNoise ? [13] : [])).map(String.init).joined(separator: " "))",
        ]
        for payload in payloads {
            switch payload {
            case 0: lines.append("a=rtpmap:0 PCMU/8000")
            case 8: lines.append("a=rtpmap:8 PCMA/8000")
            default: lines += ["a=rtpmap:\(payload) opus/48000/2", "a=fmtp:\(payload) useinbandfec=1"]
            }
        }
        lines += ["a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15"]
        if comfortNoise { lines.append("a=rtpmap:13 CN/8000") }
        lines += ["a=ptime:20", "a=sendrecv", ""]
        return lines.joined(separator: "\r\n")
    }

    /// INVITE `user` and complete the handshake (200, ACK). Retransmits the INVITE every second.
    /// `payloads`: the codecs offered (PCMU by default); `comfortNoise`: also offer CN/8000.
    public func call(
        user: String, callID: String, caller: String, timeout: Duration = .seconds(8), comfortNoise: Bool = false,
        payloads: [Int] = [0]
    ) throws -> Dialog {
        let fromTag = "t\(abs(callID.hashValue) % 1_000_000)"
        let sdpText = offer(payloads: payloads, comfortNoise: comfortNoise)
        let invite = [
            "INVITE sip:\(user)@127.0.0.1:\(serverPort) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(sip.port);branch=\(nextBranch())",
            "From: <sip:\(caller)@127.0.0.1>;tag=\(fromTag)", "To: <sip:\(user)@127.0.0.1>", "Call-ID: \(callID)",
            "CSeq: 1 INVITE", "Contact: <sip:\(caller)@127.0.0.1:\(sip.port)>", "Max-Forwards: 70",
            "Content-Type: application/sdp", "Content-Length: \(sdpText.utf8.count)", "", sdpText,
        ].joined(separator: "\r\n")
        let answer = try exchange(invite, callID: callID, method: "INVITE", timeout: timeout)
        guard answer.hasPrefix("SIP/2.0 200") else {
            throw Failure(description: "INVITE \(user) answered: \(answer.prefix(while: { $0 != "\r" }))")
        }
        guard let to = Self.header("To", compact: "t", in: answer),
            let tagRange = to.range(of: "tag=")
        else { throw Failure(description: "200 without a To tag") }
        let toTag = String(to[tagRange.upperBound...].prefix(while: { $0 != ";" && $0 != ">" }))
        guard let mline = answer.split(separator: "\r\n").first(where: { $0.hasPrefix("m=audio ") }),
            let mediaPort = Int(mline.split(separator: " ")[1])
        else { throw Failure(description: "200 without an audio m= line") }
        let dialog = Dialog(
            callID: callID, user: user, fromTag: fromTag, toTag: toTag, mediaPort: mediaPort, answer: answer)
        sip.send(Array(inDialog("ACK", dialog, cseq: 1).utf8), to: serverPort)
        return dialog
    }

    /// BYE from the caller; returns once the server answered 200.
    public func hangUp(_ dialog: Dialog, timeout: Duration = .seconds(5)) throws {
        let answer = try exchange(inDialog("BYE", dialog, cseq: 2), callID: dialog.callID, method: "BYE", timeout: timeout)
        guard answer.hasPrefix("SIP/2.0 200") else {
            throw Failure(description: "BYE answered: \(answer.prefix(while: { $0 != "\r" }))")
        }
    }

    /// A re-INVITE offering `payloads` with CSeq `cseq`; returns the final response (ACKed when 2xx; the
    /// dialog takes the server's new media port from its answer).
    public func reinvite(_ dialog: inout Dialog, payloads: [Int], cseq: Int, timeout: Duration = .seconds(5)) throws -> String {
        let request = inDialog(
            "INVITE", dialog, cseq: cseq, contentType: "application/sdp", body: offer(payloads: payloads),
            contact: true)
        let answer = try exchange(request, callID: dialog.callID, method: "INVITE", cseq: cseq, timeout: timeout)
        if answer.hasPrefix("SIP/2.0 2") {
            sip.send(Array(inDialog("ACK", dialog, cseq: cseq).utf8), to: serverPort)
            if let line = answer.split(separator: "\r\n").first(where: { $0.hasPrefix("m=audio ") }),
                let port = Int(line.split(separator: " ")[1])
            {
                dialog.mediaPort = port
            }
        }
        return answer
    }

    /// An in-dialog non-INVITE request (OPTIONS, INFO…) with CSeq `cseq`; returns its final response.
    public func request(
        _ method: String, _ dialog: Dialog, cseq: Int, extra: [String] = [], timeout: Duration = .seconds(3)
    ) throws -> String {
        let request = inDialog(method, dialog, cseq: cseq, extra: extra)
        return try exchange(request, callID: dialog.callID, method: method, cseq: cseq, timeout: timeout)
    }

    /// A DTMF digit as SIP INFO (`application/dtmf-relay`), sent without waiting for the answer. `cseq` must grow
    /// per dialog (use 10 and up: the INVITE took 1, the BYE takes 2).
    public func sendDigit(_ digit: Character, _ dialog: Dialog, cseq: Int) {
        let body = "Signal=\(digit)\r\nDuration=100\r\n"
        let request = inDialog("INFO", dialog, cseq: cseq, contentType: "application/dtmf-relay", body: body)
        sip.send(Array(request.utf8), to: serverPort)
    }

    private func inDialog(
        _ method: String, _ dialog: Dialog, cseq: Int, contentType: String? = nil, body: String = "",
        extra: [String] = [], contact: Bool = false
    ) -> String {
        var lines = [
            "\(method) sip:\(dialog.user)@127.0.0.1:\(serverPort) SIP/2.0",
            "Via: SIP/2.0/UDP 127.0.0.1:\(sip.port);branch=\(nextBranch())",
            "From: <sip:caller@127.0.0.1>;tag=\(dialog.fromTag)", "To: <sip:\(dialog.user)@127.0.0.1>;tag=\(dialog.toTag)",
            "Call-ID: \(dialog.callID)", "CSeq: \(cseq) \(method)", "Max-Forwards: 70",
        ] + extra
        if contact { lines.append("Contact: <sip:caller@127.0.0.1:\(sip.port)>") }
        if let contentType { lines.append("Content-Type: \(contentType)") }
        lines += ["Content-Length: \(body.utf8.count)", "", body]
        return lines.joined(separator: "\r\n")
    }

    /// Sends `request` (again every second) until a final response for it arrives.
    private func exchange(
        _ request: String, callID: String, method: String, cseq: Int? = nil, timeout: Duration
    ) throws -> String {
        let deadline = ContinuousClock.now + timeout
        var resendAt = ContinuousClock.now
        while ContinuousClock.now < deadline {
            if ContinuousClock.now >= resendAt {
                sip.send(Array(request.utf8), to: serverPort)
                resendAt = ContinuousClock.now + .seconds(1)
            }
            if let response = takeResponse(callID: callID, method: method, cseq: cseq) { return response }
            guard let datagram = sip.receive() else { continue }
            let text = String(decoding: datagram, as: UTF8.self)
            if text.hasPrefix("SIP/2.0 ") {
                unread.append(text)
            } else {
                answerRequest(text)
            }
        }
        throw Failure(description: "no final answer to \(method) for \(callID) within \(timeout)")
    }

    private func takeResponse(callID: String, method: String, cseq: Int?) -> String? {
        while let index = unread.firstIndex(where: { response in
            guard Self.header("Call-ID", compact: "i", in: response) == callID,
                let header = Self.header("CSeq", in: response), header.hasSuffix(method)
            else { return false }
            return cseq.map { header.hasPrefix("\($0) ") } ?? true
        }) {
            let response = unread.remove(at: index)
            let status = Int(response.dropFirst(8).prefix(3)) ?? 0
            if status >= 200 { return response }
        }
        return nil
    }

    /// 200 OK to whatever the server asks (BYE when it hangs up, OPTIONS, NOTIFY).
    private func answerRequest(_ request: String) {
        requestsReceived.append(request)
        let names = ["Via", "From", "To", "Call-ID", "CSeq"]
        var lines = ["SIP/2.0 200 OK"]
        for line in request.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            if names.contains(where: { $0.lowercased() == key }) || ["v", "f", "t", "i"].contains(key) {
                lines.append(String(line))
            }
        }
        lines += ["Content-Length: 0", "", ""]
        sip.send(Array(lines.joined(separator: "\r\n").utf8), to: serverPort)
    }

    /// Reads (and answers) whatever the server sent for `duration`: keeps retransmissions quiet.
    public func drain(for duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            guard let datagram = sip.receive() else { continue }
            let text = String(decoding: datagram, as: UTF8.self)
            if !text.hasPrefix("SIP/2.0 ") { answerRequest(text) }
        }
    }

    /// A PCMU RTP packet (12-byte header, no extensions) to the call's media port.
    public func sendRTP(_ dialog: Dialog, sequence: UInt16, timestamp: UInt32, ssrc: UInt32, payload: [UInt8], marker: Bool = false) {
        var packet: [UInt8] = [0x80, (marker ? 0x80 : 0) | 0]
        packet += [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        packet += [24, 16, 8, 0].map { UInt8((timestamp >> UInt32($0)) & 0xFF) }
        packet += [24, 16, 8, 0].map { UInt8((ssrc >> UInt32($0)) & 0xFF) }
        media.send(packet + payload, to: dialog.mediaPort)
    }
}
