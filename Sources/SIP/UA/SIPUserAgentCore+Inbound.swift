// Incoming requests: new calls, CANCEL, ACK, in-dialog BYE/re-INVITE/INFO/NOTIFY, OPTIONS, 481s.

extension SIPUserAgentCore {
    mutating func receive(_ bytes: [UInt8], from source: SIPEndpoint) {
        let (inbound, kind) = frontDoor.classify(bytes, toTag: random.token())
        switch inbound {
        case .drop(let reason): out.append(.dropped(kind: kind ?? .garbage, reason: reason))
        case .reply(let response):
            out.append(.rejected(kind: kind ?? .malformed, statusCode: response.statusCode, reason: response.reason))
            send(.response(response), to: source)
        case .response(let response): receivedResponse(response)
        case .request(let request): receivedRequest(request.stampingReceived(host: source.host, port: source.port), from: source)
        }
    }

    mutating func receivedRequest(_ received: SIPRequest, from source: SIPEndpoint) {
        let request = poppingOwnRoutes(received)
        guard let key = SIPTransactionKey.server(for: request) else {
            out.append(.dropped(kind: .garbage, reason: "request without usable Via"))
            return
        }
        if request.method == .ack {
            if var entry = serverInvites[key], entry.transaction.state == .completed || entry.transaction.state == .confirmed {
                let actions = entry.transaction.handle(.received(.request(request)), at: now)
                serverInvites[key] = entry
                applyServer(actions, key: key, peer: entry.peer)
            } else {
                ackForSuccess(request)
            }
            return
        }
        if var entry = serverInvites[key], request.method == .invite {
            let actions = entry.transaction.handle(.received(.request(request)), at: now)
            serverInvites[key] = entry
            applyServer(actions, key: key, peer: entry.peer)
            return
        }
        if var entry = serverOthers[key] {
            let actions = entry.transaction.handle(.received(.request(request)), at: now)
            serverOthers[key] = entry
            applyServer(actions, key: key, peer: entry.peer)
            return
        }
        if request.method == .cancel {
            receivedCancel(request, key: key, from: source)
        } else if request.to?.tag != nil {
            receivedInDialog(request, key: key, from: source)
        } else {
            receivedOutOfDialog(request, key: key, from: source)
        }
    }

    /// The request without the Route values at its top that name this user agent (RFC 3261 §16.4: a request
    /// that a proxy or a caller's outbound-proxy route set sent to us with our own address on top). Routes
    /// that name someone else stay (a UA does not forward; the request is handled here all the same).
    func poppingOwnRoutes(_ request: SIPRequest) -> SIPRequest {
        guard request.headers.contains("Route"), let routes = request.headers.routes else { return request }
        let own = routes.prefix { config.local.isNamed(by: $0.uri) }.count
        guard own > 0 else { return request }
        var popped = request
        popped.headers.remove("Route")
        for route in routes.dropFirst(own) { popped.headers.add("Route", route.serialized) }
        return popped
    }

    mutating func receivedOutOfDialog(_ request: SIPRequest, key: SIPTransactionKey, from source: SIPEndpoint) {
        let tag = random.token()
        switch request.method {
        case .invite:
            var transaction = SIPServerInviteTransaction(request: request, key: key, timers: config.timers)
            let actions = transaction.start(at: now)
            serverInvites[key] = (transaction, source)
            applyServer(actions, key: key, peer: source)
            guard let callID = request.callID, calls[callID] == nil else {
                respond(key, request.makeResponse(482, toTag: tag))
                return
            }
            var offer: SDPSession?
            if let sdp = SDPSession.body(of: request.headers, request.body) {
                guard let parsed = try? SDPSession(parsing: sdp) else {
                    respond(key, request.makeResponse(400, reason: "Malformed SDP", toTag: tag))
                    return
                }
                let probe = SDPOrigin(sessionID: "0", sessionVersion: 0, address: config.mediaAddress)
                guard (try? config.negotiator.answer(parsed, origin: probe, address: config.mediaAddress, port: 1)) != nil else {
                    var extra = SIPHeaders()
                    extra.add("Warning", "304 switchboard \"Media type not available\"")
                    respond(key, request.makeResponse(488, toTag: tag, headers: extra))
                    return
                }
                offer = parsed
            }
            guard let dialog = SIPDialog.uas(request: request, localTag: tag, localContact: localContact) else {
                respond(key, request.makeResponse(400, toTag: tag))
                return
            }
            let call = SIPCall(
                role: .inbound, state: .incoming, callID: callID, peer: source, dialog: dialog, localTag: tag, inviteKey: key,
                invite: request, remoteOffer: offer, sdp: SDPLocalState(sessionID: random.next() >> 34, address: config.mediaAddress), rtpPort: 0)
            calls[callID] = call
            out.append(.incomingCall(SIPIncomingCall(
                callID: callID, dialledUser: request.uri.user, from: request.from, to: request.to, offer: offer, source: source, request: request)))
        case .options:
            var extra = capabilityHeaders
            extra.add("Accept", "application/sdp")
            answerNonInvite(request, key: key, from: source, request.makeResponse(200, toTag: tag, headers: extra))
        default:
            answerNonInvite(request, key: key, from: source, request.makeResponse(481, toTag: tag))
        }
    }

    mutating func receivedCancel(_ request: SIPRequest, key: SIPTransactionKey, from source: SIPEndpoint) {
        var inviteKey = key
        inviteKey.method = .invite
        guard let entry = serverInvites[inviteKey] else {
            answerNonInvite(request, key: key, from: source, request.makeResponse(481, toTag: random.token()))
            return
        }
        let callID = request.callID ?? ""
        let tag = calls[callID]?.localTag ?? random.token()
        answerNonInvite(request, key: key, from: source, request.makeResponse(200, toTag: tag))
        if entry.transaction.state == .proceeding {
            respond(inviteKey, entry.transaction.request.makeResponse(487, toTag: tag))
            if let call = calls[callID], call.inviteKey == inviteKey { endCall(callID, reason: .cancelled) }
        }
    }

    mutating func receivedInDialog(_ request: SIPRequest, key: SIPTransactionKey, from source: SIPEndpoint) {
        let callID = request.callID ?? ""
        guard var call = calls[callID], var dialog = call.dialog, dialog.matches(request) else {
            if request.method == .invite {
                var transaction = SIPServerInviteTransaction(request: request, key: key, timers: config.timers)
                _ = transaction.start(at: now)
                serverInvites[key] = (transaction, source)
                respond(key, request.makeResponse(481))
            } else {
                answerNonInvite(request, key: key, from: source, request.makeResponse(481))
            }
            return
        }
        guard dialog.acceptRemoteSequence(request) else {
            answerNonInvite(request, key: key, from: source, request.makeResponse(500, reason: "CSeq Out of Order"))
            return
        }
        if let contact = request.headers.contact, request.method == .invite { dialog.remoteTarget = contact.uri }
        call.dialog = dialog
        calls[callID] = call
        switch request.method {
        case .bye:
            answerNonInvite(request, key: key, from: source, request.makeResponse(200))
            if let awaiting = call.awaitingACK { out.append(.cancelTimer(SIPUATimerID(scope: .server(awaiting.key), timer: .retransmit2xx))) }
            endCall(callID, reason: .remoteHangUp)
        case .invite:
            receivedReinvite(request, key: key, from: source, call: call)
        case .info:
            answerNonInvite(request, key: key, from: source, request.makeResponse(200))
            if let (digit, duration) = SIPUserAgentCore.dtmf(in: request) {
                out.append(.dtmf(callID: callID, digit: digit, durationMs: duration))
            }
        case .notify:
            guard let event = request.headers["Event"], event.lowercased().hasPrefix("refer") else {
                answerNonInvite(request, key: key, from: source, request.makeResponse(489, reason: "Bad Event"))
                return
            }
            answerNonInvite(request, key: key, from: source, request.makeResponse(200))
            let state = request.headers["Subscription-State"]?.lowercased() ?? ""
            if let code = SIPUserAgentCore.sipfragStatus(request.body) {
                out.append(.referProgress(callID: callID, statusCode: code, final: code >= 200 || state.hasPrefix("terminated")))
            }
        case .options:
            var extra = capabilityHeaders
            extra.add("Accept", "application/sdp")
            answerNonInvite(request, key: key, from: source, request.makeResponse(200, headers: extra))
        default:
            var extra = SIPHeaders()
            extra.add("Allow", config.policy.allowHeader)
            answerNonInvite(request, key: key, from: source, request.makeResponse(405, headers: extra))
        }
    }

    mutating func receivedReinvite(_ request: SIPRequest, key: SIPTransactionKey, from source: SIPEndpoint, call: SIPCall) {
        var call = call
        var transaction = SIPServerInviteTransaction(request: request, key: key, timers: config.timers)
        let actions = transaction.start(at: now)
        serverInvites[key] = (transaction, source)
        applyServer(actions, key: key, peer: source)
        if call.pendingClientReinvite != nil {
            respond(key, request.makeResponse(491))
            return
        }
        if let pending = call.pendingServerReinvite, serverInvites[pending]?.transaction.state == .proceeding {
            var extra = SIPHeaders()
            extra.add("Retry-After", String(random.next() % 10))
            respond(key, request.makeResponse(500, headers: extra))
            return
        }
        var extra = capabilityHeaders
        extra.add("Contact", SIPNameAddress(uri: localContact).serialized)
        extra.add("Content-Type", "application/sdp")
        let direction: SDPDirection = call.localHold ? .sendonly : .sendrecv
        if let sdp = SDPSession.body(of: request.headers, request.body) {
            guard let offer = try? SDPSession(parsing: sdp) else {
                respond(key, request.makeResponse(400, reason: "Malformed SDP"))
                return
            }
            do {
                let (answer, media) = try config.negotiator.answer(offer, origin: call.sdp.origin, address: config.mediaAddress, port: call.rtpPort, direction: direction)
                let stamped = call.sdp.stamp(answer)
                call.media = media
                call.awaitingACK = (key, request.cseq?.sequence ?? 0, false)
                call.pendingServerReinvite = key
                calls[call.callID] = call
                respond(key, request.makeResponse(200, headers: extra, body: stamped.serialized()))
                out.append(.mediaUpdated(callID: call.callID, media: media))
            } catch {
                respond(key, request.makeResponse(488))
            }
        } else {
            let offer = call.sdp.stamp(config.negotiator.offer(origin: call.sdp.origin, address: config.mediaAddress, port: call.rtpPort, direction: direction))
            call.localOffer = offer
            call.awaitingACK = (key, request.cseq?.sequence ?? 0, true)
            call.pendingServerReinvite = key
            calls[call.callID] = call
            respond(key, request.makeResponse(200, headers: extra, body: offer.serialized()))
        }
    }

    /// An ACK that matches no server transaction: the ACK for one of our 2xx responses.
    mutating func ackForSuccess(_ ack: SIPRequest) {
        if let callID = ack.callID, let call = calls[callID], call.dialog?.matches(ack) == true, call.awaitingACK == nil {
            return  // a retransmitted ACK (the peer saw our 2xx again): absorbed, nothing to do
        }
        guard let callID = ack.callID, let call = calls[callID], call.dialog?.matches(ack) == true,
            let awaiting = call.awaitingACK, awaiting.sequence == ack.cseq?.sequence, var entry = serverInvites[awaiting.key]
        else {
            out.append(.dropped(kind: .stray, reason: "ACK without transaction"))
            return
        }
        let actions = entry.transaction.handle(.received(.request(ack)), at: now)
        serverInvites[awaiting.key] = entry
        applyServer(actions, key: awaiting.key, peer: entry.peer)
    }

    /// The first ACK for a 2xx arrived (delivered by the INVITE server transaction).
    mutating func ackDelivered(_ ack: SIPRequest, key: SIPTransactionKey) {
        guard let callID = ack.callID, var call = calls[callID], let awaiting = call.awaitingACK, awaiting.key == key else { return }
        call.awaitingACK = nil
        if call.pendingServerReinvite == key { call.pendingServerReinvite = nil }
        if awaiting.answerInACK, let offer = call.localOffer {
            if let sdp = SDPSession.body(of: ack.headers, ack.body), let answer = try? SDPSession(parsing: sdp),
                let media = try? config.negotiator.accept(answer: answer, to: offer)
            {
                call.media = media
                out.append(.mediaUpdated(callID: callID, media: media))
            } else if call.state == .answered {
                calls[callID] = call
                sendBye(callID)
                endCall(callID, reason: .noCommonMedia)
                return
            }
        }
        let establishing = call.state == .answered
        if establishing { call.state = .established }
        calls[callID] = call
        if establishing { out.append(.callEstablished(callID: callID)) }
    }

    /// An INVITE server transaction timed out: for a 2xx never ACKed, end the session with BYE (§13.3.1.4).
    mutating func serverTimedOut(_ key: SIPTransactionKey) {
        guard let call = calls.values.first(where: { $0.awaitingACK?.key == key }) else { return }
        sendBye(call.callID)
        endCall(call.callID, reason: .timeout)
    }

    /// DTMF from INFO: `application/dtmf-relay` (`Signal=5`, `Duration=160`) or `application/dtmf` (`5`).
    static func dtmf(in request: SIPRequest) -> (Character, Int?)? {
        let text = String(decoding: request.body, as: UTF8.self)
        let type = request.headers.contentType
        if type == "application/dtmf" {
            return SIPLexer.trimmed(Substring(text)).first.flatMap { validDigit($0) }.map { ($0, nil) }
        }
        guard type == "application/dtmf-relay" else { return nil }
        var digit: Character?
        var duration: Int?
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = SIPLexer.trimmed(parts[0]).lowercased()
            let value = SIPLexer.trimmed(parts[1])
            if name == "signal" {
                digit = value == "10" ? "*" : value == "11" ? "#" : value.first.flatMap { validDigit($0) }
            } else if name == "duration" {
                duration = Int(value)
            }
        }
        return digit.map { ($0, duration) }
    }

    static func validDigit(_ char: Character) -> Character? {
        let upper = Character(char.uppercased())
        return "0123456789*#ABCD".contains(upper) ? upper : nil
    }

    /// Status code of a `message/sipfrag` status line (`SIP/2.0 200 OK`).
    static func sipfragStatus(_ body: [UInt8]) -> Int? {
        let text = String(decoding: body, as: UTF8.self)
        guard let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).first else { return nil }
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("SIP/"), let code = Int(parts[1]), (100...699).contains(code) else { return nil }
        return code
    }
}
