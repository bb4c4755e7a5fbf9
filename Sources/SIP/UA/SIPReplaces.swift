// SIP: the Replaces header (RFC 3891) naming a dialog, and the Refer-To URI that carries it as an escaped URI
// header (RFC 5589 §7, attended transfer): `<sip:target?Replaces=callid%3Bto-tag%3DA%3Bfrom-tag%3DB>`.

/// A dialog to replace, as the INVITE the transferee sends to the transfer target will name it.
public struct SIPReplaces: Sendable, Hashable {
    public var callID: String
    /// The tag of the target's side of the dialog (its local tag, our remote tag).
    public var toTag: String
    /// The tag of our side of the dialog (the target's remote tag).
    public var fromTag: String

    public init(callID: String, toTag: String, fromTag: String) {
        self.callID = callID
        self.toTag = toTag
        self.fromTag = fromTag
    }

    /// The dialog of ours (`id`) that the target is to find: its local tag is our remote tag and vice versa
    /// (RFC 3891 §3: to-tag and from-tag are matched against the recipient's local and remote tags).
    public init(replacing id: SIPDialogID) {
        self.init(callID: id.callID, toTag: id.remoteTag, fromTag: id.localTag)
    }

    /// The header value: `callid;to-tag=…;from-tag=…`.
    public var headerValue: String { "\(callID);to-tag=\(toTag);from-tag=\(fromTag)" }

    /// `target` with the `Replaces` URI header (any headers it had are dropped), escaped as a URI header value.
    public func referTarget(_ target: SIPURI) -> SIPURI {
        var uri = target
        uri.headers = [SIPParameter(name: "Replaces", value: Self.escapeHeaderValue(headerValue))]
        return uri
    }

    /// RFC 3261 §25.1 `hvalue`: unreserved characters and `[]/?:+$` stay, everything else (`;`, `=`, `@`, `%`,
    /// `&`, spaces, non-ASCII …) becomes `%XX` of its UTF-8 bytes.
    public static func escapeHeaderValue(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            let scalar = Unicode.Scalar(byte)
            let isAlphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if byte < 0x80, isAlphanumeric || "-_.!~*'()[]/?:+$".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
            }
        }
        return out
    }
}
