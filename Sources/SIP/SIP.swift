// SIP: the pure SIP core of Switchboard — message model, parser, serializer, request validation,
// SDP offer/answer, transaction and dialog state machines and the user-agent core.
// Owns: Sources/SIP. May import: Foundation only. No sockets, no clock reads, no sleeping:
// every state machine takes events with timestamps (`Duration` since an arbitrary epoch) and returns actions.

/// Namespace for module-wide constants.
public enum SIP {
    /// The only protocol version this implementation speaks.
    public static let version = "SIP/2.0"
    /// The RFC 3261 branch magic cookie.
    public static let magicCookie = "z9hG4bK"
}
