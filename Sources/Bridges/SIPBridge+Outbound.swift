// Bridges: calls Switchboard places (issue 15) — through a trunk's proxy or registrar, answering 401/407 with
// digest (the UA core), ringing for at most `ringTimeout` (then CANCEL), and when answered the call's media
// handler (a flow) runs like an inbound call's. What became of the attempt — answered, busy, no answer, failed,
// with the SIP status — completes the returned future. Concurrent outbound calls are capped.
public import NIOCore
public import SIP

/// One call to place.
public struct SIPOutboundRequest: Sendable {
    public var callID: String
    /// The Request-URI (`sip:+15551234@trunk.example.com`).
    public var target: SIPURI
    /// Our From (the trunk's AOR); nil: `sip:switchboard@<our address>`.
    public var from: SIPNameAddress?
    /// Where the INVITE goes (the trunk's proxy or registrar).
    public var nextHop: SIPEndpoint
    public var credentials: SIPCredentials?
    /// How long it may ring before we CANCEL (outcome `no_answer`).
    public var ringTimeout: TimeAmount
    /// The call's media handler (the flow), made once the call is answered.
    public var handler: @Sendable () -> any CallMediaHandler

    public init(
        callID: String, target: SIPURI, from: SIPNameAddress? = nil, nextHop: SIPEndpoint, credentials: SIPCredentials? = nil,
        ringTimeout: TimeAmount = .seconds(30), handler: @escaping @Sendable () -> any CallMediaHandler
    ) {
        self.callID = callID
        self.target = target
        self.from = from
        self.nextHop = nextHop
        self.credentials = credentials
        self.ringTimeout = ringTimeout
        self.handler = handler
    }
}

/// What became of an outbound call attempt.
public struct SIPOutboundResult: Sendable, Equatable {
    public enum Outcome: String, Sendable, Equatable {
        /// Answered: the handler runs until the call ends.
        case answered
        /// 486 Busy Here, 600 Busy Everywhere.
        case busy
        /// Rang out (our CANCEL after the ring timeout), 408, 480, 487.
        case noAnswer = "no_answer"
        /// Anything else: another final status, no answer from the trunk at all, no common codec, media setup.
        case failed
        /// Past the cap on concurrent outbound calls (nothing was sent).
        case overCapacity = "over_capacity"
    }

    public var outcome: Outcome
    /// The final SIP status of the INVITE (200 when answered; nil when none came).
    public var sipStatus: Int?

    public init(outcome: Outcome, sipStatus: Int?) {
        self.outcome = outcome
        self.sipStatus = sipStatus
    }

    /// The outcome of a call the far end or the network ended before it was answered.
    public static func classify(_ reason: SIPCallEndReason, rangOut: Bool) -> SIPOutboundResult {
        switch reason {
        case .rejected(let status):
            switch status {
            case 486, 600: return SIPOutboundResult(outcome: .busy, sipStatus: status)
            case 408, 480, 487: return SIPOutboundResult(outcome: .noAnswer, sipStatus: status)
            default: return SIPOutboundResult(outcome: .failed, sipStatus: status)
            }
        case .localHangUp, .cancelled: return SIPOutboundResult(outcome: rangOut ? .noAnswer : .failed, sipStatus: rangOut ? 487 : nil)
        case .timeout: return SIPOutboundResult(outcome: rangOut ? .noAnswer : .failed, sipStatus: rangOut ? 408 : nil)
        case .noCommonMedia: return SIPOutboundResult(outcome: .failed, sipStatus: 488)
        case .remoteHangUp: return SIPOutboundResult(outcome: .failed, sipStatus: nil)
        }
    }
}

/// An outbound call waiting for its outcome (SIP loop).
final class PendingOutbound: @unchecked Sendable {
    let promise: EventLoopPromise<SIPOutboundResult>
    var ringTimer: Scheduled<Void>?
    var rangOut = false
    var resolved = false

    init(promise: EventLoopPromise<SIPOutboundResult>) { self.promise = promise }

    func resolve(_ result: SIPOutboundResult) {
        guard !resolved else { return }
        resolved = true
        ringTimer?.cancel()
        promise.succeed(result)
    }
}

extension SIPBridge {
    /// Places a call; the future completes when it is answered or has failed. Safe from any thread.
    public func placeCall(_ request: SIPOutboundRequest) -> EventLoopFuture<SIPOutboundResult> {
        eventLoop.flatSubmit { [self] in
            let promise = eventLoop.makePromise(of: SIPOutboundResult.self)
            if shuttingDown {
                promise.succeed(SIPOutboundResult(outcome: .failed, sipStatus: nil))
                return promise.futureResult
            }
            if let cap = configuration.maxOutboundCalls, outbound.count >= cap {
                counters.update { $0.outboundRefused += 1 }
                promise.succeed(SIPOutboundResult(outcome: .overCapacity, sipStatus: nil))
                return promise.futureResult
            }
            let callID = request.callID
            let pending = PendingOutbound(promise: promise)
            outbound[callID] = pending
            counters.update { $0.outboundPlaced += 1 }
            let call = BridgeCall(callID: callID, user: request.target.user ?? "", makeHandler: request.handler)
            calls[callID] = call
            media.openSession(callID: callID).hop(to: eventLoop).whenComplete { [self] result in
                switch result {
                case .failure(let error):
                    logger.error("media setup failed for an outbound call", metadata: ["call": "\(callID)", "error": "\(error)"])
                    calls[callID] = nil
                    outbound[callID] = nil
                    pending.resolve(SIPOutboundResult(outcome: .failed, sipStatus: nil))
                case .success(let session):
                    call.media = session
                    pending.ringTimer = eventLoop.scheduleTask(in: request.ringTimeout) { [self] in
                        guard !pending.resolved else { return }
                        pending.rangOut = true
                        command(.hangUp(callID: callID))
                    }
                    command(
                        .placeCall(
                            SIPOutboundCall(
                                callID: callID, target: request.target, from: request.from, nextHop: request.nextHop,
                                rtpPort: session.localPort, credentials: request.credentials)))
                }
            }
            return promise.futureResult
        }
    }

    /// Our INVITE was answered (SIP loop).
    func outboundEstablished(_ callID: String) {
        guard let pending = outbound[callID] else { return }
        calls[callID]?.answered = true
        counters.update { $0.callsAnswered += 1 }
        pending.resolve(SIPOutboundResult(outcome: .answered, sipStatus: 200))
    }

    /// An outbound call ended (before or after it was answered) (SIP loop).
    func outboundEnded(_ callID: String, _ reason: SIPCallEndReason) {
        guard let pending = outbound.removeValue(forKey: callID) else { return }
        pending.resolve(SIPOutboundResult.classify(reason, rangOut: pending.rangOut))
    }

    /// Outbound calls in progress (placed, not yet ended).
    public func outboundCallCount() -> EventLoopFuture<Int> { eventLoop.submit { self.outbound.count } }
}
