@testable import SIP

/// Keeps the timers a state machine asked for, on virtual time.
struct VirtualTimers<Name: Hashable> {
    var deadlines: [Name: Duration] = [:]

    mutating func apply(_ name: Name, deadline: Duration?) {
        deadlines[name] = deadline
    }

    /// The earliest pending timer.
    var next: (name: Name, deadline: Duration)? {
        deadlines.min { $0.value < $1.value }.map { ($0.key, $0.value) }
    }

    mutating func pop() -> (name: Name, deadline: Duration)? {
        guard let next else { return nil }
        deadlines[next.name] = nil
        return next
    }
}

extension VirtualTimers where Name == SIPTimer {
    mutating func apply(_ actions: [SIPTransactionAction]) {
        for action in actions {
            switch action {
            case .startTimer(let timer, let deadline): deadlines[timer] = deadline
            case .cancelTimer(let timer): deadlines[timer] = nil
            default: break
            }
        }
    }
}

enum Fixtures {
    static func request(_ method: SIPMethod, branch: String = "z9hG4bK-test-1", cseq: UInt32 = 1, toTag: String? = nil, body: String = "", contentType: String? = nil) -> SIPRequest {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=\(branch);rport")
        headers.add("Max-Forwards", "70")
        headers.add("From", "\"Caller\" <sip:caller@192.0.2.1>;tag=caller-tag")
        headers.add("To", "<sip:echo@127.0.0.1>" + (toTag.map { ";tag=\($0)" } ?? ""))
        headers.add("Call-ID", "call-1@192.0.2.1")
        headers.add("CSeq", "\(cseq) \(method.rawValue)")
        headers.add("Contact", "<sip:caller@192.0.2.1:5060>")
        if let contentType { headers.add("Content-Type", contentType) }
        return SIPRequest(method: method, uri: SIPURI(user: "echo", host: "127.0.0.1", port: 5080), headers: headers, body: Array(body.utf8))
    }

    static func sent(_ actions: [SIPTransactionAction]) -> [SIPMessage] {
        actions.compactMap { if case .send(let message) = $0 { return message } else { return nil } }
    }
}
