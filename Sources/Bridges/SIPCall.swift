import NIOCore

/// The bridge's side of one call (signalling state lives in `SIPUserAgentCore`), on the SIP event loop.
final class BridgeCall: @unchecked Sendable {
    let callID: String
    let user: String
    let makeHandler: @Sendable () -> any CallMediaHandler
    var media: CallMediaSession?
    var answered = false
    var mediaStarted = false
    /// What the media session was last set to (to tell a codec change from a hold/retarget).
    var negotiated: NegotiatedMedia?
    var ended = false
    var transferred = false
    /// A blind transfer waiting for its outcome (SIPBridge+Transfer).
    var pendingTransfer: PendingTransfer?
    var ringTimer: Scheduled<Void>?

    init(callID: String, user: String, makeHandler: @escaping @Sendable () -> any CallMediaHandler) {
        self.callID = callID
        self.user = user
        self.makeHandler = makeHandler
    }
}
