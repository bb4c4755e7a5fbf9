// Server: `trunks:` in the configuration (issue 15) — the SIP trunks or hosted PBXs Switchboard registers with
// (REGISTER with digest, refreshed before expiry) and places calls through, and which flow answers the calls
// they send to the registered address-of-record. Secrets stay out of the file: `password_env` names the
// environment variable that holds the password.
import Foundation

extension SwitchboardConfiguration {
    /// One trunk.
    public struct Trunk: Sendable, Equatable {
        /// Name in logs, /healthz, /metrics and `switchboard call --trunk`.
        public var name: String = ""
        /// The registrar's SIP URI (`sip:pbx.example.com`, `sip:192.0.2.10:5060`); requests outside a call go here.
        public var registrar: String = ""
        /// Outbound proxy URI: REGISTER and calls go to it instead of the registrar's address (unset: none).
        public var proxy: String?
        /// The address-of-record registered (`sip:1001@pbx.example.com`); calls to its user part reach `flow`.
        public var aor: String = ""
        /// The digest user name (unset: the AOR's user part).
        public var authUser: String?
        /// The environment variable holding the digest password (unset: no authentication).
        public var passwordEnv: String?
        /// Registration expiry asked for, seconds; refreshed before it runs out.
        public var expires: Int = 3600
        /// Whether to register at all (false: an IP-authenticated trunk that only sends and takes calls).
        public var register = true
        /// The flow file (in `flows.dir`) answering calls to the AOR's user part; unset: `flows.numbers` decides.
        public var flow: String?
        /// Source addresses/CIDRs of this trunk besides its registrar's and proxy's addresses (allowed in).
        public var allow: [String] = []

        public init() {}

        static var keys: [ConfigurationKey<Self>] {
            [
                .text("name", \.name) { $0.isEmpty ? "a trunk needs a name" : nil },
                .text("registrar", \.registrar, check: checkSIPURI),
                .text("proxy", \.proxy, check: checkSIPURI),
                .text("aor", \.aor, check: checkSIPURI),
                .text("auth_user", \.authUser),
                .text("password_env", \.passwordEnv),
                .int("expires", \.expires, range: 1...86_400),
                .bool("register", \.register),
                .text("flow", \.flow),
                .texts("allow", \.allow),
            ]
        }
    }
}

/// nil when `text` looks like a sip:/sips: URI with a host, else the problem.
func checkSIPURI(_ text: String) -> String? {
    let lower = text.lowercased()
    guard lower.hasPrefix("sip:") || lower.hasPrefix("sips:"), text.count > (lower.hasPrefix("sip:") ? 4 : 5) else {
        return "`\(text)` is not a SIP URI (e.g. sip:pbx.example.com or sip:1001@pbx.example.com)"
    }
    return nil
}
