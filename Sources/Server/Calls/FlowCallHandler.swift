// Server: a SIP call running a flow. The bridge's media tick (on the media event loop) hands each inbound
// frame to the call's `CallSession` and, in the same tick, pulls the next outbound frame from the session's
// queue — so playback is paced by the one shared media clock and a barge-in `clear()` takes effect at once.
// The tick also tells the session when a prompt has finished playing (whether or not the caller sends any
// audio), and the RTP inactivity timeout ends the call with reason `rtp_timeout`.
import Audio
import Bridges
public import CallEngine
import Flows
import Foundation
import Logging
import NIOCore

/// Creates the `CallSession` of one call once its media is up (the rate is known only then).
public protocol CallSessionFactory: Sendable {
    func makeSession(callID: String, sampleRate: Int, media: any MediaOut) -> CallSession?
    /// Called once the session has ended (for the call log's end row).
    func sessionEnded(_ session: CallSession, callID: String) async
    /// `sip.rtp_timeout`: seconds without caller RTP (not on hold) before the call is hung up; 0 = never.
    var rtpTimeoutSeconds: Int { get }
    /// The session's inbound media, possibly wrapped (e.g. to record the call); the default passes it through.
    func mediaIn(_ input: any MediaIn, callID: String) -> any MediaIn
    /// Runs the call's body (the session, then its end rows) as a task the server can await at shutdown.
    func spawnCall(_ body: @escaping @Sendable () async -> Void)
}

extension CallSessionFactory {
    /// Runs a call's body; the default is a task of its own (`FlowCallFactory` runs it in the server's `CallTasks`).
    public func spawnCall(_ body: @escaping @Sendable () async -> Void) {
        Task { await body() }
    }

    public func mediaIn(_ input: any MediaIn, callID: String) -> any MediaIn { input }
    public var rtpTimeoutSeconds: Int { 0 }
}

final class FlowCallHandler: CallMediaHandler {
    let factory: any CallSessionFactory
    let logger: Logger
    private var outbound: OutboundAudioQueue?
    private var call: CallSession?
    /// Marks the queue had reached when the session was last told (`OutboundAudioQueue.marksReachedTotal`).
    private var marksTold: UInt64 = 0
    private var continuation: AsyncStream<MediaInEvent>.Continuation?
    private var frame: [Int16] = []
    /// Call time of the next inbound frame: one frame per media tick, so time is counted in frames.
    private var inboundMs = 0
    private var heardCaller = false

    init(factory: any CallSessionFactory, logger: Logger) {
        self.factory = factory
        self.logger = logger
    }

    func callStarted(_ session: CallMediaSession) {
        let rate = session.media?.pcmRate ?? 8000
        let queue = OutboundAudioQueue(sampleRate: rate)
        outbound = queue
        frame = [Int16](repeating: 0, count: queue.frameSize)
        let media = BridgedMedia(outbound: queue, session: session)
        guard let call = factory.makeSession(callID: session.callID, sampleRate: rate, media: media) else {
            logger.error("no flow for this call; hanging up", metadata: ["call": "\(session.callID)"])
            session.hangUp()
            return
        }
        self.call = call
        session.rtpTimeoutSeconds = factory.rtpTimeoutSeconds
        let (events, continuation) = AsyncStream.makeStream(of: MediaInEvent.self, bufferingPolicy: .bufferingNewest(500))
        self.continuation = continuation
        let factory = self.factory
        let callID = session.callID
        let input = factory.mediaIn(StreamMediaIn(sampleRate: rate, events: events), callID: callID)
        factory.spawnCall {
            await call.run(media: input)
            await factory.sessionEnded(call, callID: callID)
            // The flow ended (hang-up step, transfer done, error): make sure the SIP side ends too.
            media.hangUpIfNeeded()
        }
    }

    func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        // Until the caller's first audio comes out of the jitter buffer the bridge can only fill digital
        // silence; the turn detector would take that for the line's noise floor, and the real line noise that
        // follows for speech. So inbound audio starts with the first frame that carries any signal.
        if !heardCaller { heardCaller = samples.contains { $0 != 0 } }
        if heardCaller, let continuation {
            let frame = PCMFrame(samples: Array(samples), sampleRate: sampleRate, timestampMs: inboundMs)
            if case .dropped = continuation.yield(.audio(frame)) { session.countHandlerDrop() }
        }
        inboundMs += samples.count * 1000 / max(1, sampleRate)
        guard let outbound else { return }
        var marks = marksTold
        let active = frame.withUnsafeMutableBufferPointer { outbound.pull(into: $0, marksReached: &marks) }
        if active {
            frame.withUnsafeBufferPointer { session.enqueue($0) }
        }
        if marks != marksTold, let call {
            // A prompt or reply finished playing on this tick: the session hears it from the media clock, not
            // from the next caller frame (a silent caller may send none). One task per finished prompt.
            marksTold = marks
            Task { await call.playbackMarksReached() }
        }
    }

    func digitReceived(_ digit: Character, source: DTMFSource, session: CallMediaSession) {
        if case .dropped = continuation?.yield(.dtmf(digit)) { session.countHandlerDrop() }
    }

    func mediaTimedOut(_ session: CallMediaSession, idleSeconds: Int) {
        logger.info("no RTP from the caller; hanging up", metadata: ["call": "\(session.callID)", "seconds": "\(idleSeconds)"])
        call?.transportWillEnd(reason: "rtp_timeout")
    }

    func callEnded(_ session: CallMediaSession, reason: Bridges.HangUpReason) {
        continuation?.yield(.hangUp)
        continuation?.finish()
        continuation = nil
        call = nil
    }
}

/// Inbound media of a bridged call, as CallEngine's port.
struct StreamMediaIn: MediaIn {
    let sampleRate: Int
    let events: AsyncStream<MediaInEvent>
}
