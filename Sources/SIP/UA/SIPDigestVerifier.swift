// Digest authentication of inbound requests (issue 15: an optional challenge for INVITEs, users from the
// configuration), pure: stateless nonces (issue time plus a keyed hash, valid for `nonceLifetime`), the
// `WWW-Authenticate` challenge (SHA-256 and MD5, RFC 8760), and the check of an `Authorization` answer.

import SwitchboardCore

public struct SIPDigestVerifier: Sendable, Equatable {
    public var realm: String
    /// User name → password.
    public var users: [String: String]
    public var nonceLifetime: Duration
    private let secret: String

    public init(realm: String, users: [String: String], secret: String, nonceLifetime: Duration = .seconds(300)) {
        self.realm = realm
        self.users = users
        self.secret = secret
        self.nonceLifetime = nonceLifetime
    }

    /// A nonce issued at `now` (monotonic): `<seconds hex>.<keyed hash>`.
    public func nonce(at now: Duration) -> String {
        let stamp = String(now.components.seconds, radix: 16)
        return stamp + "." + String(SHA256.hex("\(secret):\(stamp):\(realm)").prefix(32))
    }

    /// The challenge headers' values: MD5, then SHA-256 (RFC 8760). MD5 comes first although SHA-256 is
    /// stronger: many phones and test tools (sipp) answer only the first challenge and know only MD5, while
    /// clients that know SHA-256 pick it from the list (Switchboard's own UA does).
    public func challenges(at now: Duration) -> [String] {
        let nonce = nonce(at: now)
        return ["MD5", "SHA-256"].map {
            "Digest realm=\(SIPLexer.quote(realm)), nonce=\(SIPLexer.quote(nonce)), algorithm=\($0), qop=\"auth\""
        }
    }

    /// Whether `authorization` (an `Authorization` value) answers one of our nonces, still fresh at `now`, with
    /// the password of a configured user, for `method`.
    public func verify(_ authorization: String, method: SIPMethod, at now: Duration) -> Bool {
        let trimmed = SIPLexer.trimmed(Substring(authorization))
        guard trimmed.utf8.count > 7, SIPLexer.equalsIgnoringCase(trimmed.prefix(6), "Digest"),
            let fields = SIPDigest.parseAuthParams(trimmed.dropFirst(6)),
            let user = fields["username"], let password = users[user], fields["realm"] == realm,
            let nonce = fields["nonce"], let uri = fields["uri"], let response = fields["response"],
            let hash = SIPDigest.hash(for: fields["algorithm"] ?? "MD5")
        else { return false }
        // The nonce is ours and fresh.
        let parts = nonce.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let seconds = Int64(parts[0], radix: 16), self.nonce(at: .seconds(seconds)) == nonce,
            now - .seconds(seconds) <= nonceLifetime, .seconds(seconds) <= now + .seconds(1)
        else { return false }
        let ha1 = hash("\(user):\(realm):\(password)")
        let ha2 = hash("\(method.rawValue):\(uri)")
        let expected: String
        if let qop = fields["qop"] {
            guard qop.lowercased() == "auth", let nc = fields["nc"], let cnonce = fields["cnonce"] else { return false }
            expected = hash("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
        } else {
            expected = hash("\(ha1):\(nonce):\(ha2)")
        }
        return ConstantTime.equal(expected, response.lowercased())
    }
}
