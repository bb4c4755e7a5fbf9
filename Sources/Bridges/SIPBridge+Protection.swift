// Bridges: the SIP bridge's front gate — sources outside the allow-list and INVITE floods are answered
// statelessly (403/503, or not at all) before the UA core sees them, so they never create a transaction,
// a call, a flow or a model request. Counted in `Statistics.refused`.
import Logging
import NIOCore
import SIP

extension SIPBridge {
    /// Whether the datagram from `source` may go on to the UA core (SIP loop).
    func admit(_ bytes: [UInt8], from source: SIPEndpoint) -> Bool {
        if !protection.isAllowed(source.host) {
            refuse(bytes, from: source, reason: .notAllowed)
            return false
        }
        if bytes.starts(with: Self.invitePrefix), !protection.admitInvite(from: source.host, now: NIODeadline.now().uptimeNanoseconds) {
            refuse(bytes, from: source, reason: .rateLimited)
            return false
        }
        if bytes.starts(with: Self.invitePrefix), let verifier = protection.configuration.inboundAuth,
            !protection.configuration.authExempt.contains(where: { $0.contains(source.host) }),
            case .request(let invite) = try? SIPParser().parse(bytes), invite.to?.tag == nil
        {
            let now = Duration.nanoseconds(Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds))
            let answers = invite.headers.values("Authorization")
            if answers.contains(where: { verifier.verify($0, method: .invite, at: now) }) { return true }
            if !answers.isEmpty { refusedCount(.unauthenticated) }
            challenge(invite, from: source, verifier: verifier, at: now)
            return false
        }
        if !refusedBranches.isEmpty, bytes.starts(with: Self.ackPrefix), case .request(let ack) = try? SIPParser().parse(bytes),
            let branch = ack.topVia?.branch, refusedBranches.contains(branch)
        {
            return false  // the ACK for a 403/503 we sent without a transaction
        }
        return true
    }

    /// Counts a refusal and answers it statelessly (unless configured silent for strangers, or an ACK).
    func refuse(_ bytes: [UInt8], from source: SIPEndpoint, reason: SIPRefusalReason) {
        refusedCount(reason)
        if reason == .notAllowed, protection.configuration.refusal == .silence { return }
        guard case .request(let request) = try? SIPParser().parse(bytes), request.method != .ack else { return }
        var extra = SIPHeaders()
        let status: Int
        switch reason {
        case .notAllowed, .unauthenticated: status = 403
        case .rateLimited, .overCapacity:
            status = 503
            extra.add("Retry-After", "5")
        }
        if let branch = request.topVia?.branch { refusedBranches.insert(branch) }
        let response = request.stampingReceived(host: source.host, port: source.port)
            .makeResponse(status, toTag: request.to?.tag == nil ? "refused" : nil, headers: extra)
        send(response.serialized(), to: source)
    }

    /// Answers an INVITE without valid credentials with 401 and our challenges (statelessly: no transaction).
    func challenge(_ invite: SIPRequest, from source: SIPEndpoint, verifier: SIPDigestVerifier, at now: Duration) {
        var extra = SIPHeaders()
        for value in verifier.challenges(at: now) { extra.add("WWW-Authenticate", value) }
        if let branch = invite.topVia?.branch { refusedBranches.insert(branch) }
        let response = invite.stampingReceived(host: source.host, port: source.port)
            .makeResponse(401, toTag: "challenge", headers: extra)
        send(response.serialized(), to: source)
    }

    func refusedCount(_ reason: SIPRefusalReason) {
        counters.update { $0.refused[reason.rawValue, default: 0] += 1 }
        guard let suppressed = badInputLog.admit("refused." + reason.rawValue, at: NIODeadline.now().uptimeNanoseconds) else {
            counters.update { $0.logLinesSuppressed += 1 }
            return
        }
        var metadata: Logger.Metadata = ["reason": "\(reason.rawValue)"]
        if let currentSource { metadata["source"] = "\(currentSource)" }
        if suppressed > 0 { metadata["suppressed_since_last"] = "\(suppressed)" }
        logger.warning("SIP request refused", metadata: metadata)
    }

    static let invitePrefix = Array("INVITE ".utf8)
    static let ackPrefix = Array("ACK ".utf8)
}

/// A bounded set of recent strings (oldest forgotten first).
struct SIPRecentSet {
    let capacity: Int
    private var members: Set<String> = []
    private var order: [String] = []
    private var head = 0

    init(capacity: Int) { self.capacity = capacity }

    var isEmpty: Bool { members.isEmpty }

    func contains(_ value: String) -> Bool { members.contains(value) }

    mutating func insert(_ value: String) {
        guard !members.contains(value) else { return }
        if order.count < capacity {
            order.append(value)
        } else {
            members.remove(order[head])
            order[head] = value
            head = (head + 1) % capacity
        }
        members.insert(value)
    }
}
