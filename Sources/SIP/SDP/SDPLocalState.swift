// Our o= line across one dialog: same session id, version incremented whenever our description changes.

/// Keeps `o=` consistent across the SDP we send in one dialog (RFC 3264 §8).
public struct SDPLocalState: Sendable, Hashable {
    public private(set) var origin: SDPOrigin
    private var last: SDPSession?

    /// `sessionID` should be unique per dialog (e.g. random digits); the version starts equal to it, as
    /// many stacks do.
    public init(sessionID: UInt64, address: String) {
        origin = SDPOrigin(sessionID: String(sessionID), sessionVersion: sessionID, address: address)
    }

    /// Stamps `session` with our origin, incrementing the version if it differs from what we sent last.
    public mutating func stamp(_ session: SDPSession) -> SDPSession {
        var session = session
        if let last {
            var compared = session
            compared.origin = last.origin
            if compared != last { origin.sessionVersion &+= 1 }
        }
        session.origin = origin
        last = session
        return session
    }
}
