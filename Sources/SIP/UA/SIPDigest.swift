// HTTP digest authentication for SIP (RFC 2617 / RFC 7616 / RFC 8760): MD5 and SHA-256.

/// Answers `WWW-Authenticate` / `Proxy-Authenticate` challenges.
public enum SIPDigest {
    /// A parsed `Digest` challenge.
    public struct Challenge: Sendable, Hashable {
        public var realm: String
        public var nonce: String
        public var opaque: String?
        public var algorithm: String
        /// Offered qop values (`auth`, `auth-int`).
        public var qop: [String]
        public var stale: Bool
    }

    /// Parses a `Digest realm="…", nonce="…", …` value; nil for other schemes or missing fields.
    public static func parseChallenge(_ value: String) -> Challenge? {
        let trimmed = SIPLexer.trimmed(Substring(value))
        guard trimmed.utf8.count > 7, SIPLexer.equalsIgnoringCase(trimmed.prefix(6), "Digest"),
            let params = parseAuthParams(trimmed.dropFirst(6))
        else { return nil }
        guard let realm = params["realm"], let nonce = params["nonce"] else { return nil }
        let qop = params["qop"].map { $0.split(separator: ",").map { String(SIPLexer.trimmed($0)).lowercased() } } ?? []
        return Challenge(
            realm: realm, nonce: nonce, opaque: params["opaque"], algorithm: params["algorithm"] ?? "MD5", qop: qop,
            stale: params["stale"]?.lowercased() == "true")
    }

    /// Whether `authorization` can answer a challenge with this algorithm (MD5 or SHA-256, RFC 8760).
    public static func supports(_ algorithm: String) -> Bool { hash(for: algorithm) != nil }

    /// The preference among supported algorithms (RFC 8760 §2.4: the strongest the client supports): higher first.
    public static func strength(_ algorithm: String) -> Int {
        switch algorithm.uppercased() {
        case "SHA-256": 2
        case "MD5": 1
        default: 0
        }
    }

    static func hash(for algorithm: String) -> ((String) -> String)? {
        switch algorithm.uppercased() {
        case "MD5": { MD5.hex($0) }
        case "SHA-256": { SHA256.hex($0) }
        default: nil
        }
    }

    /// The `Authorization`/`Proxy-Authorization` value for `method` on `uri`; nil if the challenge's
    /// algorithm is neither MD5 nor SHA-256 or the realm does not match the credentials.
    public static func authorization(
        challenge: Challenge, method: SIPMethod, uri: String, credentials: SIPCredentials, cnonce: String, nonceCount: Int = 1
    ) -> String? {
        guard let hash = hash(for: challenge.algorithm) else { return nil }
        let algorithm = challenge.algorithm.uppercased()
        if let realm = credentials.realm, realm != challenge.realm { return nil }
        let ha1 = hash("\(credentials.username):\(challenge.realm):\(credentials.password)")
        let ha2 = hash("\(method.rawValue):\(uri)")
        var fields = [
            "username=\(SIPLexer.quote(credentials.username))", "realm=\(SIPLexer.quote(challenge.realm))",
            "nonce=\(SIPLexer.quote(challenge.nonce))", "uri=\(SIPLexer.quote(uri))",
        ]
        let response: String
        if challenge.qop.contains("auth") {
            let nc = String(nonceCount, radix: 16)
            let paddedNC = String(repeating: "0", count: max(0, 8 - nc.count)) + nc
            response = hash("\(ha1):\(challenge.nonce):\(paddedNC):\(cnonce):auth:\(ha2)")
            fields.append("response=\(SIPLexer.quote(response))")
            fields.append("algorithm=\(algorithm)")
            fields.append("cnonce=\(SIPLexer.quote(cnonce))")
            fields.append("qop=auth")
            fields.append("nc=\(paddedNC)")
        } else {
            response = hash("\(ha1):\(challenge.nonce):\(ha2)")
            fields.append("response=\(SIPLexer.quote(response))")
            fields.append("algorithm=\(algorithm)")
        }
        if let opaque = challenge.opaque { fields.append("opaque=\(SIPLexer.quote(opaque))") }
        return "Digest " + fields.joined(separator: ", ")
    }

    static func parseAuthParams(_ text: Substring) -> [String: String]? {
        var result: [String: String] = [:]
        var rest = SIPLexer.trimmed(text)
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let name = SIPLexer.trimmed(rest[..<equals]).lowercased()
            rest = SIPLexer.trimmed(rest[rest.index(after: equals)...])
            let value: String
            if rest.first == "\"" {
                guard let end = SIPLexer.quotedStringEnd(rest) else { return nil }
                value = SIPLexer.unquote(rest[..<end])
                rest = rest[end...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(SIPLexer.trimmed(rest[..<end]))
                rest = rest[end...]
            }
            result[name] = value
            rest = SIPLexer.trimmed(rest)
            if rest.first == "," { rest = SIPLexer.trimmed(rest.dropFirst()) }
        }
        return result
    }
}
