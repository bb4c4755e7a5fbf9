// Responses to our requests: outbound INVITE (ACK, 401/407 digest retry), re-INVITE, BYE, REFER, REGISTER.

extension SIPUserAgentCore {
    mutating func receivedResponse(_ response: SIPResponse) {
        guard let key = SIPTransactionKey.client(for: response) else {
            out.append(.dropped(kind: .invalidResponse, reason: "response without branch"))
            return
        }
        if var entry = clientInvites[key] {
            let actions = entry.transaction.handle(.received(.response(response)), at: now)
            clientInvites[key] = entry
            applyClient(actions, key: key, peer: entry.peer, purpose: entry.purpose)
        } else if var entry = clientOthers[key] {
            let actions = entry.transaction.handle(.received(.response(response)), at: now)
            clientOthers[key] = entry
            applyClient(actions, key: key, peer: entry.peer, purpose: entry.purpose)
        } else {
            out.append(.dropped(kind: .stray, reason: "response matches no transaction"))
        }
    }

    mutating func responseDelivered(_ response: SIPResponse, purpose: SIPClientPurpose, key: SIPTransactionKey) {
        switch purpose {
        case .invite(let callID): inviteResponse(response, callID: callID, key: key)
        case .reinvite(let callID): reinviteResponse(response, callID: callID, key: key)
        case .bye(let callID):
            if response.isFinal { calls[callID] = nil }
        case .refer(let callID):
            if response.isSuccess {
                out.append(.referProgress(callID: callID, statusCode: response.statusCode, final: false))
            } else if response.isFinal {
                out.append(.referProgress(callID: callID, statusCode: response.statusCode, final: true))
            }
        case .register(let id): registerResponse(response, id: id)
        case .cancel, .info: break
        }
    }

    mutating func clientTimedOut(_ purpose: SIPClientPurpose) {
        switch purpose {
        case .invite(let callID):
            if calls[callID]?.endReported == false { endCall(callID, reason: .timeout) } else { calls[callID] = nil }
        case .reinvite(let callID):
            calls[callID]?.pendingClientReinvite = nil
        case .bye(let callID): calls[callID] = nil
        case .refer(let callID): out.append(.referProgress(callID: callID, statusCode: 408, final: true))
        case .register(let id): out.append(.registrationFailed(id: id, statusCode: nil))
        case .cancel, .info: break
        }
    }

    mutating func inviteResponse(_ response: SIPResponse, callID: String, key: SIPTransactionKey) {
        guard var call = calls[callID], let invite = call.invite, call.inviteKey == key else { return }
        if response.isProvisional {
            if response.statusCode > 100, call.state == .calling, !call.endReported {
                out.append(.callProgress(callID: callID, statusCode: response.statusCode))
            }
            return
        }
        if response.isSuccess {
            if let ack = call.lastACK {  // retransmitted 2xx
                send(.request(ack), to: call.inDialogDestination)
                return
            }
            guard var dialog = SIPDialog.uac(request: invite, response: response, localContact: localContact) else {
                endCall(callID, reason: .rejected(statusCode: response.statusCode))
                return
            }
            let ack = dialog.makeRequest(.ack, via: newVia(), sequence: invite.cseq?.sequence ?? 1)
            call.dialog = dialog
            call.lastACK = ack
            send(.request(ack), to: call.inDialogDestination)
            if call.endReported {  // hung up while ringing: the 2xx crossed our CANCEL
                call.state = .established
                calls[callID] = call
                sendBye(callID)
                return
            }
            var media: SDPNegotiatedMedia?
            if let offer = call.localOffer, let sdp = SDPSession.body(of: response.headers, response.body), let answer = try? SDPSession(parsing: sdp) {
                media = try? config.negotiator.accept(answer: answer, to: offer)
            }
            call.state = .established
            call.media = media
            calls[callID] = call
            guard let media else {
                sendBye(callID)
                endCall(callID, reason: .noCommonMedia)
                return
            }
            out.append(.mediaUpdated(callID: callID, media: media))
            out.append(.callEstablished(callID: callID))
            return
        }
        if (response.statusCode == 401 || response.statusCode == 407), let credentials = call.credentials, call.authAttempts < 2, !call.endReported,
            let authorization = authorizationHeader(for: response, request: invite, credentials: credentials)
        {
            var retry = invite
            retry.headers.removeFirst("Via")
            retry.headers.prepend("Via", newVia().serialized)
            retry.headers.cseq = SIPCSeq((invite.cseq?.sequence ?? 1) &+ 1, .invite)
            retry.headers.remove(authorization.name)
            retry.headers.add(authorization.name, authorization.value)
            call.authAttempts += 1
            call.invite = retry
            calls[callID] = call
            let newKey = startClient(retry, to: call.peer, purpose: .invite(callID: callID))
            calls[callID]?.inviteKey = newKey
            return
        }
        if call.endReported {
            calls[callID] = nil
        } else {
            endCall(callID, reason: .rejected(statusCode: response.statusCode))
        }
    }

    mutating func reinviteResponse(_ response: SIPResponse, callID: String, key: SIPTransactionKey) {
        guard var call = calls[callID], call.pendingClientReinvite == key || response.isSuccess else { return }
        guard response.isFinal else { return }
        if response.isSuccess {
            if let ack = call.lastACK, ack.cseq?.sequence == response.cseq?.sequence, call.pendingClientReinvite != key {
                send(.request(ack), to: call.inDialogDestination)
                return
            }
            guard var dialog = call.dialog else { return }
            if let contact = response.headers.contact { dialog.remoteTarget = contact.uri }
            let ack = dialog.makeRequest(.ack, via: newVia(), sequence: response.cseq?.sequence ?? dialog.localSequence)
            call.dialog = dialog
            call.lastACK = ack
            call.pendingClientReinvite = nil
            send(.request(ack), to: call.inDialogDestination)
            if let offer = call.localOffer, let sdp = SDPSession.body(of: response.headers, response.body), let answer = try? SDPSession(parsing: sdp),
                let media = try? config.negotiator.accept(answer: answer, to: offer)
            {
                call.media = media
                calls[callID] = call
                out.append(.mediaUpdated(callID: callID, media: media))
            } else {
                calls[callID] = call
            }
            return
        }
        call.pendingClientReinvite = nil
        calls[callID] = call
        if response.statusCode == 481 || response.statusCode == 408 { endCall(callID, reason: .remoteHangUp) }
    }

    mutating func registerResponse(_ response: SIPResponse, id: String) {
        guard var state = registrations[id], response.isFinal else { return }
        if response.isSuccess {
            state.authAttempts = 0
            registrations[id] = state
            let contactExpires = response.headers.contacts?.first?.parameters.value("expires").flatMap { Int($0) }
            let expires = contactExpires ?? response.headers["Expires"].flatMap { Int(SIPLexer.trimmed(Substring($0))) } ?? state.registration.expires
            out.append(.registered(id: id, expires: expires))
            let timer = SIPUATimerID(scope: .registration(id), timer: nil)
            if expires > 0 {
                let refresh = max(expires - max(expires / 10, 5), 1)
                out.append(.startTimer(timer, deadline: now + .seconds(refresh)))
            } else {
                out.append(.cancelTimer(timer))
                registrations[id] = nil
            }
            return
        }
        if (response.statusCode == 401 || response.statusCode == 407), let credentials = state.registration.credentials, state.authAttempts < 2 {
            var probe = SIPRequest(method: .register, uri: state.registration.registrar)
            probe.headers.callID = state.callID
            if let authorization = authorizationHeader(for: response, request: probe, credentials: credentials) {
                state.authAttempts += 1
                registrations[id] = state
                sendRegister(state.registration, credentialsHeader: authorization)
                return
            }
        }
        registrations[id] = nil
        out.append(.registrationFailed(id: id, statusCode: response.statusCode))
    }

    /// `Authorization`/`Proxy-Authorization` answering the response's challenge, or nil.
    mutating func authorizationHeader(for response: SIPResponse, request: SIPRequest, credentials: SIPCredentials) -> (name: String, value: String)? {
        let proxy = response.statusCode == 407
        let challengeHeader = proxy ? "Proxy-Authenticate" : "WWW-Authenticate"
        // RFC 8760 §2.4: of several challenges, answer the strongest algorithm we support (SHA-256 over MD5).
        let challenges = response.headers.values(challengeHeader).compactMap { SIPDigest.parseChallenge($0) }
            .filter { SIPDigest.supports($0.algorithm) }
            .sorted { SIPDigest.strength($0.algorithm) > SIPDigest.strength($1.algorithm) }
        for challenge in challenges {
            guard let authorization = SIPDigest.authorization(
                    challenge: challenge, method: request.method, uri: request.uri.serialized, credentials: credentials, cnonce: random.token())
            else { continue }
            return (proxy ? "Proxy-Authorization" : "Authorization", authorization)
        }
        return nil
    }
}
