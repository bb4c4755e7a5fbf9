import Logging
public import NIOCore
import SIP
import SwitchboardCore

extension SIPBridge {
    func perform(_ action: SIPUAAction) {
        switch action {
        case .send(let bytes, let to): send(bytes, to: to)
        case .startTimer(let id, let deadline):
            timers[id]?.cancel()
            let delay = deadline - now
            let nanos = max(0, delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000)
            timers[id] = eventLoop.scheduleTask(in: .nanoseconds(nanos)) { [self] in
                timers[id] = nil
                run(.timerFired(id))
            }
        case .cancelTimer(let id):
            timers.removeValue(forKey: id)?.cancel()
        case .incomingCall(let incoming): offered(incoming)
        case .callProgress: break
        case .mediaUpdated(let callID, let negotiated): mediaUpdated(callID, negotiated)
        case .callEstablished(let callID): outboundEstablished(callID)
        case .callEnded(let callID, let reason):
            ended(callID, reason)
            outboundEnded(callID, reason)
        case .dtmf(let callID, let digit, _):
            counters.update { $0.digitsViaInfo += 1 }
            if let session = calls[callID]?.media {
                session.eventLoop.execute { session.deliver(digit: digit, source: .sipInfo) }
            }
        case .referProgress(let callID, let status, let final):
            referProgress(callID: callID, status: status, final: final)
        case .registered(let id, let expires): registrationOutcome(id: id, .registered(expires: expires))
        case .registrationFailed(let id, let status): registrationOutcome(id: id, .failed(statusCode: status))
        case .dropped(let kind, let reason):
            badInput(kind, status: nil, reason: reason)
        case .rejected(let kind, let status, let reason):
            badInput(kind, status: status, reason: reason)
        }
    }

    /// Counts one bad datagram and logs it: the first of each kind at once, then at most one line per kind
    /// per 10 s, saying how many were suppressed in between.
    private func badInput(_ kind: SIPBadInputKind, status: Int?, reason: String) {
        counters.update {
            if kind == .keepAlive {
                $0.keepAlives += 1
                return
            }
            if status == nil { $0.dropped += 1 } else { $0.rejectedAnswered += 1 }
            $0.badInput[kind.rawValue, default: 0] += 1
        }
        guard kind != .keepAlive else { return }
        guard let suppressed = badInputLog.admit(kind.rawValue, at: NIODeadline.now().uptimeNanoseconds) else {
            counters.update { $0.logLinesSuppressed += 1 }
            return
        }
        var metadata: Logger.Metadata = [
            "kind": "\(kind.rawValue)", "reason": "\(reason.prefix(160))",
            "action": "\(status.map { "answered \($0)" } ?? "dropped")",
        ]
        if let currentSource { metadata["source"] = "\(currentSource)" }
        if suppressed > 0 { metadata["suppressed_since_last"] = "\(suppressed)" }
        if kind.isSuspicious {
            logger.warning("SIP bad input", metadata: metadata)
        } else {
            logger.info("SIP message not served (unsupported or stray)", metadata: metadata)
        }
    }

    private func offered(_ incoming: SIPIncomingCall) {
        counters.update { $0.callsOffered += 1 }
        let callID = incoming.callID
        let user = incoming.dialledUser ?? ""
        guard !shuttingDown else {
            counters.update { $0.callsRejected += 1 }
            command(.reject(callID: callID, statusCode: 503))
            return
        }
        let info = IncomingCallInfo(
            callID: callID, dialledUser: user, callerUser: incoming.from?.uri.user,
            callerDisplayName: incoming.from?.displayName, headers: Self.headerMap(incoming.request.headers))
        let route = configuration.route(info)
        guard case .answer(let ringFor, let makeHandler) = route else {
            if case .reject(let code) = route {
                counters.update { $0.callsRejected += 1 }
                command(.reject(callID: callID, statusCode: code))
            }
            return
        }
        let call = BridgeCall(callID: callID, user: user, makeHandler: makeHandler)
        calls[callID] = call
        if ringFor != nil { command(.ring(callID: callID)) }
        media.openSession(callID: callID).hop(to: eventLoop).whenComplete { [self] result in
            switch result {
            case .failure(let error):
                logger.error("media setup failed", metadata: ["call": "\(callID)", "error": "\(error)"])
                if !call.ended { command(.reject(callID: callID, statusCode: 503)) }
            case .success(let session):
                call.media = session
                guard !call.ended else {
                    closeMedia(call, reason: .callerHungUp)
                    return
                }
                if let ringFor {
                    call.ringTimer = eventLoop.scheduleTask(in: ringFor) { [self] in answer(call) }
                } else {
                    answer(call)
                }
            }
        }
    }

    private func answer(_ call: BridgeCall) {
        guard !call.ended, let session = call.media else { return }
        call.answered = true
        counters.update { $0.callsAnswered += 1 }
        command(.answer(callID: call.callID, rtpPort: session.localPort))
    }

    private func mediaUpdated(_ callID: String, _ negotiated: SDPNegotiatedMedia) {
        guard let call = calls[callID], let session = call.media else { return }
        let remote: SocketAddress? =
            negotiated.isRemoteHold ? nil : try? SocketAddress(ipAddress: negotiated.remoteAddress, port: negotiated.remotePort)
        let engine = media
        guard let codec = MediaCodec(sdpName: negotiated.codec.name),
            let pt = UInt8(exactly: negotiated.payloadType)
        else {
            logger.warning("negotiated codec not supported by the media engine", metadata: ["call": "\(callID)"])
            command(.hangUp(callID: callID))
            return
        }
        let te = negotiated.telephoneEventPayloadType.flatMap { UInt8(exactly: $0) }
        let settings = NegotiatedMedia(codec: codec, payloadType: pt, telephoneEventPayloadType: te)
        if call.mediaStarted {
            // re-INVITE: hold/unhold, new address, or a new codec (the session switches at a frame boundary).
            counters.update { $0.mediaUpdates += 1 }
            if let previous = call.negotiated, previous.codec != settings.codec || previous.payloadType != settings.payloadType {
                counters.update { $0.codecChanges += 1 }
                logger.info(
                    "codec changed by re-INVITE",
                    metadata: ["call": "\(callID)", "from": "\(previous.codec)/\(previous.payloadType)", "to": "\(codec)/\(pt)"])
            }
            call.negotiated = settings
            engine.renegotiate(session, media: settings, remote: remote).hop(to: eventLoop).whenFailure { [self] error in
                logger.error("media switch failed; call keeps its old codec", metadata: ["call": "\(callID)", "error": "\(error)"])
            }
            return
        }
        call.mediaStarted = true
        call.negotiated = settings
        let makeHandler = call.makeHandler
        engine.eventLoop.execute { [self] in
            session.signaling = self
            do {
                try engine.activate(session, media: settings, remote: remote, handler: makeHandler())
            } catch {
                logger.error("media start failed", metadata: ["call": "\(callID)", "error": "\(error)"])
                hangUp(callID: callID)
            }
        }
    }

    private func ended(_ callID: String, _ reason: SIPCallEndReason) {
        counters.update { $0.callsEnded += 1 }
        if reason == .cancelled { counters.update { $0.callsCancelled += 1 } }
        guard let call = calls.removeValue(forKey: callID) else { return }
        call.ended = true
        call.ringTimer?.cancel()
        // Before the pending REFER is failed: a leg of an attended transfer that ends is not a refused REFER.
        attendedLegEnded(callID)
        endPendingTransfer(call)
        closeMedia(call, reason: reason == .localHangUp ? .completed : reason == .remoteHangUp || reason == .cancelled ? .callerHungUp : .error)
    }

    private func closeMedia(_ call: BridgeCall, reason: HangUpReason) {
        guard let session = call.media else { return }
        call.media = nil
        let engine = media
        engine.eventLoop.execute { engine.close(session, reason: reason) }
    }

    /// Hangs up every call (BYE / 480) and waits up to `grace` for the BYE transactions to finish.
    /// New INVITEs get 503 from now on.
    public func shutdown(grace: TimeAmount = .seconds(2)) -> EventLoopFuture<Void> {
        eventLoop.flatSubmit { [self] in
            shuttingDown = true
            for id in core?.activeCallIDs ?? [] { command(.hangUp(callID: id)) }
            let promise = eventLoop.makePromise(of: Void.self)
            let deadline = NIODeadline.now() + grace
            @Sendable func poll() {
                let busy = (core?.transactionCount ?? 0) > 0 && (core?.activeCallIDs.isEmpty == false || hasClientWork)
                if !busy || NIODeadline.now() >= deadline {
                    for t in timers.values { t.cancel() }
                    timers.removeAll()
                    promise.succeed(())
                } else {
                    eventLoop.scheduleTask(in: .milliseconds(20)) { poll() }
                }
            }
            poll()
            return promise.futureResult
        }
    }

    /// True while BYEs we sent may still be unanswered (their timers are running).
    private var hasClientWork: Bool { !timers.isEmpty }
}

extension SIPBridge: CallSignaling {
    func hangUp(callID: String) {
        eventLoop.execute { self.command(.hangUp(callID: callID)) }
    }

    func transfer(callID: String, to target: String) {
        eventLoop.execute { [self] in
            guard let uri = SIPURI(target) else {
                logger.warning("transfer target is not a SIP URI", metadata: ["call": "\(callID)"])
                return
            }
            command(.refer(callID: callID, target: uri))
        }
    }
}

extension MediaCodec {
    init?(sdpName: String) {
        switch sdpName.lowercased() {
        case "pcmu": self = .pcmu
        case "pcma": self = .pcma
        case "opus": self = .opus
        default: return nil
        }
    }
}
