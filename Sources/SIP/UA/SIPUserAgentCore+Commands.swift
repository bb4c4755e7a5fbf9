// App commands: ring, answer, reject, hang up, INFO DTMF, REFER, hold, outbound calls, registration.

extension SIPUserAgentCore {
    mutating func perform(_ command: SIPUACommand) {
        switch command {
        case .ring(let callID):
            guard let call = calls[callID], call.state == .incoming, let key = call.inviteKey, let invite = call.invite else { return }
            var extra = SIPUserAgentCore.recordRoutes(of: invite)
            extra.add("Contact", SIPNameAddress(uri: localContact).serialized)
            respond(key, invite.makeResponse(180, toTag: call.localTag, headers: extra))
        case .answer(let callID, let rtpPort): answer(callID, rtpPort: rtpPort)
        case .reject(let callID, let statusCode):
            guard let call = calls[callID], call.state == .incoming, let key = call.inviteKey, let invite = call.invite else { return }
            respond(key, invite.makeResponse(max(300, min(statusCode, 699)), toTag: call.localTag))
            endCall(callID, reason: .localHangUp)
        case .hangUp(let callID): hangUp(callID)
        case .sendInfoDTMF(let callID, let digit, let duration):
            let signal = digit == "*" ? "10" : digit == "#" ? "11" : String(digit)
            sendInDialog(callID, .info, body: Array("Signal=\(signal)\r\nDuration=\(duration)\r\n".utf8), contentType: "application/dtmf-relay", purpose: .info)
        case .refer(let callID, let target):
            guard let local = calls[callID]?.dialog?.localURI else { return }
            var extra = SIPHeaders()
            extra.add("Refer-To", SIPNameAddress(uri: target).serialized)
            extra.add("Referred-By", SIPNameAddress(uri: local.uri).serialized)
            sendInDialog(callID, .refer, headers: extra, purpose: .refer(callID: callID))
        case .referReplacing(let callID, let replacing):
            guard let local = calls[callID]?.dialog?.localURI else { return }
            guard let other = calls[replacing], other.state == .established, let dialog = other.dialog else {
                out.append(.referProgress(callID: callID, statusCode: 481, final: true))
                return
            }
            let target = SIPReplaces(replacing: dialog.id).referTarget(dialog.remoteTarget)
            var extra = SIPHeaders()
            extra.add("Refer-To", "<\(target.serialized)>")
            extra.add("Referred-By", SIPNameAddress(uri: local.uri).serialized)
            sendInDialog(callID, .refer, headers: extra, purpose: .refer(callID: callID))
        case .hold(let callID, let on): hold(callID, on: on)
        case .placeCall(let outbound): placeCall(outbound)
        case .register(let registration):
            // One Call-ID (and a rising CSeq) per registration while it lives (RFC 3261 §10.2): a refresh or
            // an unregister (expires 0) of a live registration reuses them.
            if var live = registrations[registration.id] {
                live.registration = registration
                live.authAttempts = 0
                registrations[registration.id] = live
            } else {
                registrations[registration.id] = SIPRegistrationState(registration: registration, callID: random.token() + "@" + config.local.host, localTag: random.token(), sequence: 0)
            }
            sendRegister(registration, credentialsHeader: nil)
        }
    }

    mutating func answer(_ callID: String, rtpPort: Int) {
        guard var call = calls[callID], call.state == .incoming, let key = call.inviteKey, let invite = call.invite else { return }
        call.rtpPort = rtpPort
        var extra = SIPUserAgentCore.recordRoutes(of: invite)
        for field in capabilityHeaders.fields { extra.add(field.name, field.value) }
        extra.add("Contact", SIPNameAddress(uri: localContact).serialized)
        extra.add("Content-Type", "application/sdp")
        extra.add("Server", config.userAgent)
        let body: [UInt8]
        var answerInACK = false
        if let offer = call.remoteOffer {
            guard let (answer, media) = try? config.negotiator.answer(offer, origin: call.sdp.origin, address: config.mediaAddress, port: rtpPort) else {
                respond(key, invite.makeResponse(488, toTag: call.localTag))
                endCall(callID, reason: .noCommonMedia)
                return
            }
            body = call.sdp.stamp(answer).serialized()
            call.media = media
        } else {
            let offer = call.sdp.stamp(config.negotiator.offer(origin: call.sdp.origin, address: config.mediaAddress, port: rtpPort))
            call.localOffer = offer
            body = offer.serialized()
            answerInACK = true
        }
        call.state = .answered
        call.awaitingACK = (key, invite.cseq?.sequence ?? 0, answerInACK)
        calls[callID] = call
        respond(key, invite.makeResponse(200, toTag: call.localTag, headers: extra, body: body))
        if let media = call.media { out.append(.mediaUpdated(callID: callID, media: media)) }
    }

    mutating func hangUp(_ callID: String) {
        guard let call = calls[callID] else { return }
        switch (call.role, call.state) {
        case (.inbound, .incoming):
            if let key = call.inviteKey, let invite = call.invite { respond(key, invite.makeResponse(480, toTag: call.localTag)) }
            endCall(callID, reason: .localHangUp)
        case (.outbound, .calling):
            if let invite = call.invite, let key = call.inviteKey, clientInvites[key]?.transaction.state == .proceeding || clientInvites[key]?.transaction.state == .calling {
                var headers = SIPHeaders()
                if let via = invite.topVia { headers.add("Via", via.serialized) }
                headers.add("Max-Forwards", "70")
                for name in ["From", "To", "Call-ID"] { if let value = invite.headers[name] { headers.add(name, value) } }
                headers.add("CSeq", SIPCSeq(invite.cseq?.sequence ?? 1, .cancel).serialized)
                for route in invite.headers.values("Route") { headers.add("Route", route) }
                _ = startClient(SIPRequest(method: .cancel, uri: invite.uri, headers: headers), to: call.peer, purpose: .cancel)
            }
            var ended = call
            ended.endReported = true
            ended.state = .ended
            calls[callID] = ended  // kept until the INVITE completes, so a late 2xx gets ACK + BYE
            out.append(.callEnded(callID: callID, reason: .localHangUp))
        default:
            if call.state != .ended { sendBye(callID) }
            endCall(callID, reason: .localHangUp)
        }
    }

    mutating func sendBye(_ callID: String) {
        sendInDialog(callID, .bye, purpose: .bye(callID: callID))
    }

    @discardableResult
    mutating func sendInDialog(
        _ callID: String, _ method: SIPMethod, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = [], contentType: String? = nil, purpose: SIPClientPurpose
    ) -> SIPTransactionKey? {
        guard var call = calls[callID], var dialog = call.dialog else { return nil }
        let request = dialog.makeRequest(method, via: newVia(), headers: headers, body: body, contentType: contentType)
        call.dialog = dialog
        calls[callID] = call
        return startClient(request, to: call.inDialogDestination, purpose: purpose)
    }

    /// The Record-Route lines of a dialog-creating request, as written and in order, for every 1xx-with-tag
    /// and 2xx response to it (RFC 3261 §12.1.1): the caller builds its route set from them.
    static func recordRoutes(of request: SIPRequest) -> SIPHeaders {
        var headers = SIPHeaders()
        for value in request.headers.values("Record-Route") { headers.add("Record-Route", value) }
        return headers
    }

    /// Request-URI, Route values and destination of a request outside a dialog to `target`, normally sent to
    /// `nextHop`: through `config.outboundProxy` when one is set (RFC 3261 §8.1.2).
    func outOfDialogRoute(to target: SIPURI, nextHop: SIPEndpoint) -> (route: SIPRoute, destination: SIPEndpoint) {
        guard let proxy = config.outboundProxy else {
            return (SIPRoute(remoteTarget: target, routeSet: []), nextHop)
        }
        let route = SIPRoute(remoteTarget: target, routeSet: [SIPNameAddress(uri: proxy)])
        return (route, SIPEndpoint(uri: route.nextHop))
    }

    mutating func hold(_ callID: String, on: Bool) {
        guard var call = calls[callID], call.state == .established, call.pendingClientReinvite == nil, call.pendingServerReinvite == nil else { return }
        call.localHold = on
        let offer = call.sdp.stamp(config.negotiator.offer(origin: call.sdp.origin, address: config.mediaAddress, port: call.rtpPort, direction: on ? .sendonly : .sendrecv))
        call.localOffer = offer
        calls[callID] = call
        var extra = capabilityHeaders
        extra.add("Content-Type", "application/sdp")
        guard var dialog = call.dialog else { return }
        let request = dialog.makeRequest(.invite, via: newVia(), headers: extra, body: offer.serialized())
        call.dialog = dialog
        calls[callID] = call
        let key = startClient(request, to: call.inDialogDestination, purpose: .reinvite(callID: callID))
        calls[callID]?.pendingClientReinvite = key
    }

    mutating func placeCall(_ outbound: SIPOutboundCall) {
        guard calls[outbound.callID] == nil else { return }
        let tag = random.token()
        var from = outbound.from ?? SIPNameAddress(uri: SIPURI(user: "switchboard", host: config.local.host))
        from.tag = tag
        var sdp = SDPLocalState(sessionID: random.next() >> 34, address: config.mediaAddress)
        let offer = sdp.stamp(config.negotiator.offer(origin: sdp.origin, address: config.mediaAddress, port: outbound.rtpPort))
        var headers = SIPHeaders()
        headers.add("Via", newVia().serialized)
        headers.add("Max-Forwards", "70")
        headers.add("From", from.serialized)
        headers.add("To", SIPNameAddress(uri: outbound.target).serialized)
        headers.add("Call-ID", outbound.callID)
        headers.add("CSeq", SIPCSeq(1, .invite).serialized)
        headers.add("Contact", SIPNameAddress(uri: localContact).serialized)
        for field in capabilityHeaders.fields { headers.add(field.name, field.value) }
        headers.add("User-Agent", config.userAgent)
        headers.add("Content-Type", "application/sdp")
        let (route, destination) = outOfDialogRoute(to: outbound.target, nextHop: outbound.nextHop)
        for value in route.routes { headers.add("Route", value.serialized) }
        let invite = SIPRequest(method: .invite, uri: route.requestURI, headers: headers, body: offer.serialized())
        calls[outbound.callID] = SIPCall(
            role: .outbound, state: .calling, callID: outbound.callID, peer: destination, dialog: nil, localTag: tag, inviteKey: nil,
            invite: invite, remoteOffer: nil, localOffer: offer, sdp: sdp, rtpPort: outbound.rtpPort, credentials: outbound.credentials)
        let key = startClient(invite, to: destination, purpose: .invite(callID: outbound.callID))
        calls[outbound.callID]?.inviteKey = key
    }

    mutating func sendRegister(_ registration: SIPRegistration, credentialsHeader: (name: String, value: String)?) {
        guard var state = registrations[registration.id] else { return }
        state.sequence &+= 1
        var from = SIPNameAddress(uri: registration.aor)
        from.tag = state.localTag
        var headers = SIPHeaders()
        headers.add("Via", newVia().serialized)
        headers.add("Max-Forwards", "70")
        headers.add("From", from.serialized)
        headers.add("To", SIPNameAddress(uri: registration.aor).serialized)
        headers.add("Call-ID", state.callID)
        headers.add("CSeq", SIPCSeq(state.sequence, .register).serialized)
        var contact = localContact
        contact.user = registration.aor.user ?? "switchboard"
        headers.add("Contact", SIPNameAddress(uri: contact).serialized)
        headers.add("Expires", String(registration.expires))
        headers.add("User-Agent", config.userAgent)
        if let credentialsHeader { headers.add(credentialsHeader.name, credentialsHeader.value) }
        let (route, destination) = outOfDialogRoute(to: registration.registrar, nextHop: registration.nextHop)
        for value in route.routes { headers.add("Route", value.serialized) }
        registrations[registration.id] = state
        _ = startClient(SIPRequest(method: .register, uri: route.requestURI, headers: headers), to: destination, purpose: .register(id: registration.id))
    }
}
