// Bridges: the INVITE's header fields handed to the call's router, so a flow can read the ones it asks for
// (P-Asserted-Identity, Diversion, X-… as `vars.sip_<name>`). Bounded: at most 64 fields of 512 characters.
import SIP

extension SIPBridge {
    /// Header fields by lower-case name; repeated fields are joined with ", " (RFC 3261 §7.3.1). Control
    /// characters are dropped and values cut to 512 characters, so nothing odd reaches prompts or webhooks.
    static func headerMap(_ headers: SIPHeaders) -> [String: String] {
        var map: [String: String] = [:]
        for field in headers.prefix(64) {
            let name = field.name.lowercased()
            let value = String(String.UnicodeScalarView(field.value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }).prefix(512))
            if let existing = map[name] {
                map[name] = String((existing + ", " + value).prefix(512))
            } else {
                map[name] = value
            }
        }
        return map
    }
}
