// Server: a SIP call running a flow. The call's media pipeline (`CallMediaPipeline`) lives here, on the media
// event loop: each tick of the bridge's media clock hands it the caller's frame (DTMF, VAD, turn detection,
// barge-in, a record step's capture) and pulls the bot's next frame from the session's queue. Only turns,
// digits, barge-in, playback-finished and recording marks and the hang-up cross to the `CallSession` actor,
// through a bounded stream whose drops are counted (none expected: a few events per caller turn). Recorded
// calls also hand each frame to their recorders (`CallerAudioTap`). The RTP inactivity timeout ends the call
// with reason `rtp_timeout`.
import Audio
import Bridges
public import CallEngine
import Flows
import Foundation
import Logging
import NIOCore
import SwitchboardCore

/// Creates the `CallSession` of one call once its media is up (the rate is known only then).
public protocol CallSessionFactory: Sendable {
    func makeSession(callID: String, sampleRate: Int, media: any MediaOut) -> CallSession?
    /// Called once the session has ended (for the call log's end row).
    func sessionEnded(_ session: CallSession, callID: String) async
    /// `sip.rtp_timeout`: seconds without caller RTP (not on hold) before the call is hung up; 0 = never.
    var rtpTimeoutSeconds: Int { get }
    /// The session's inbound media, possibly wrapped (e.g. to record the call); the default passes it through.
    func mediaIn(_ input: any MediaIn, callID: String) -> any MediaIn
    /// The recorders that want the caller's frames (called on the media loop once the session exists).
    func callerAudioRecorders(callID: String) -> (fixture: CallRecorder?, wav: CallerAudioRecorder?)
    /// Runs the call's body (the session, then its end rows) as a task the server can await at shutdown.
    func spawnCall(_ body: @escaping @Sendable () async -> Void)
}

extension CallSessionFactory {
    /// Runs a call's body; the default is a task of its own (`FlowCallFactory` runs it in the server's `CallTasks`).
    public func spawnCall(_ body: @escaping @Sendable () async -> Void) {
        Task { await body() }
    }

    public func mediaIn(_ input: any MediaIn, callID: String) -> any MediaIn { input }
    public func callerAudioRecorders(callID: String) -> (fixture: CallRecorder?, wav: CallerAudioRecorder?) { (nil, nil) }
    public var rtpTimeoutSeconds: Int { 0 }
}

final class FlowCallHandler: CallMediaHandler {
    let factory: any CallSessionFactory
    let logger: Logger
    private var pipeline: CallMediaPipeline?
    private var call: CallSession?
    private var continuation: AsyncStream<MediaInEvent>.Continuation?
    private var tap: CallerAudioTap?
    private var frame: [Int16] = []
    /// Call time of the next inbound frame: one frame per media tick, so time is counted in frames.
    private var inboundMs = 0
    /// Events the stream to the session may hold (a few per caller turn are normal).
    static let eventBuffer = 256

    init(factory: any CallSessionFactory, logger: Logger) {
        self.factory = factory
        self.logger = logger
    }

    func callStarted(_ session: CallMediaSession) {
        let rate = session.media?.pcmRate ?? 8000
        let queue = OutboundAudioQueue(sampleRate: rate)
        frame = [Int16](repeating: 0, count: queue.frameSize)
        let media = BridgedMedia(outbound: queue, session: session)
        guard let call = factory.makeSession(callID: session.callID, sampleRate: rate, media: media) else {
            logger.error("no flow for this call; hanging up", metadata: ["call": "\(session.callID)"])
            session.hangUp()
            return
        }
        self.call = call
        pipeline = call.makeMediaPipeline(outbound: queue, waitsForCallerSignal: true)
        session.rtpTimeoutSeconds = factory.rtpTimeoutSeconds
        let recorders = factory.callerAudioRecorders(callID: session.callID)
        tap = CallerAudioTap(fixture: recorders.fixture, wav: recorders.wav, sampleRate: rate)
        let (events, continuation) = AsyncStream.makeStream(
            of: MediaInEvent.self, bufferingPolicy: .bufferingNewest(Self.eventBuffer))
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

    /// Hands an event to the session; a full stream drops its oldest event (so the hang-up always gets
    /// through) and the drop is counted.
    private func send(_ event: MediaInEvent, _ session: CallMediaSession) {
        if case .dropped = continuation?.yield(event) { session.countHandlerDrop() }
    }

    func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        // Bridged to a transfer target: the flow is over, the caller talks to the target.
        guard let pipeline, !session.isRelaying else { return }
        tap?.frame(samples, timestampMs: inboundMs, heard: pipeline.hearsCaller(samples))
        pipeline.receive(samples, timestampMs: inboundMs) { send($0, session) }
        inboundMs += samples.count * 1000 / max(1, sampleRate)
        let active = frame.withUnsafeMutableBufferPointer { out in
            pipeline.pull(into: out) { send($0, session) }
        }
        if active {
            frame.withUnsafeBufferPointer { session.enqueue($0) }
        }
        if let tap { frame.withUnsafeBufferPointer { tap.bot(active ? $0 : nil) } }
    }

    /// Every caller frame counts (turns, digits, recordings): frames drained early after a burst are wanted.
    var processesExtraMedia: Bool { true }

    /// A frame drained early after an arrival burst: analysed (and recorded) like any other, nothing sent.
    func extraMediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        guard let pipeline, !session.isRelaying else { return }
        tap?.frame(samples, timestampMs: inboundMs, heard: pipeline.hearsCaller(samples))
        pipeline.receive(samples, timestampMs: inboundMs) { send($0, session) }
        inboundMs += samples.count * 1000 / max(1, sampleRate)
    }

    func digitReceived(_ digit: Character, source: DTMFSource, session: CallMediaSession) {
        send(.dtmf(digit), session)
    }

    func mediaTimedOut(_ session: CallMediaSession, idleSeconds: Int) {
        logger.info("no RTP from the caller; hanging up", metadata: ["call": "\(session.callID)", "seconds": "\(idleSeconds)"])
        call?.transportWillEnd(reason: "rtp_timeout")
    }

    func callEnded(_ session: CallMediaSession, reason: HangUpReason) {
        tap?.ended()
        tap = nil
        if let pipeline {
            // The stream keeps the newest events, so the hang-up always gets through.
            pipeline.hangUp(atMs: inboundMs) { send($0, session) }
        } else {
            continuation?.yield(.hangUp)
        }
        continuation?.finish()
        continuation = nil
        pipeline = nil
        call = nil
    }
}

/// Inbound media of a bridged call, as CallEngine's port.
struct StreamMediaIn: MediaIn {
    let sampleRate: Int
    let events: AsyncStream<MediaInEvent>
}
