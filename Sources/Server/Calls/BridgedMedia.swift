// Server: the outbound side of a bridged flow call as CallEngine's `MediaOut` port: the session's audio queue
// (pulled by the media tick), transfer and hang-up hopped onto the media event loop.
import Bridges
import CallEngine

/// Outbound side of a bridged call: the session's queue (pulled by the media tick), transfer and hang-up
/// hopped onto the media event loop.
final class BridgedMedia: MediaOut, @unchecked Sendable {
    // @unchecked: `session` is only touched on its event loop (every use below hops there first).
    let outbound: OutboundAudioQueue
    private let session: CallMediaSession

    init(outbound: OutboundAudioQueue, session: CallMediaSession) {
        self.outbound = outbound
        self.session = session
    }

    func transfer(to target: String) async -> TransferResult {
        let session = self.session
        session.eventLoop.execute { session.transfer(to: target) }
        return .transferred
    }

    func hangUp(_ reason: CallEngine.HangUpReason) async {
        hangUpIfNeeded()
    }

    func hangUpIfNeeded() {
        let session = self.session
        session.eventLoop.execute {
            if !session.isEnded { session.hangUp() }
        }
    }
}
