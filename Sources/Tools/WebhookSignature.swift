public import Foundation
import Crypto
import SwitchboardCore

/// The `X-Switchboard-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed with
/// the webhook's secret. Receivers recompute it over the raw body, compare in constant time and reject old
/// timestamps (replays).
public enum WebhookSignature {
    public static let headerName = "X-Switchboard-Signature"

    /// The header value for `body` signed at `timestamp` (unix seconds).
    public static func header(body: Data, secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hex(body: body, secret: secret, timestamp: timestamp))"
    }

    static func hex(body: Data, secret: String, timestamp: Int) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    public enum Verdict: Sendable, Equatable {
        case valid
        case malformed
        case mismatch
        case expired
    }

    /// Checks a received header against the raw body, for receivers (and the tests). `now` in unix seconds;
    /// timestamps further than `tolerance` seconds from it are `expired`.
    public static func verify(header: String, body: Data, secret: String, now: Int, tolerance: Int = 300) -> Verdict {
        var timestamp: Int?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return .malformed }
            if pair[0] == "t" { timestamp = Int(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, !signatures.isEmpty else { return .malformed }
        guard abs(now - timestamp) <= tolerance else { return .expired }
        let expected = Array(hex(body: body, secret: secret, timestamp: timestamp).utf8)
        for signature in signatures where ConstantTime.equal(Array(signature.utf8), expected) {
            return .valid
        }
        return .mismatch
    }
}
