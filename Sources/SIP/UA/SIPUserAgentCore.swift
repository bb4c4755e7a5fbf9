// The pure SIP user agent: datagrams, timers and app commands in; datagrams, timers and call events out.

/// A SIP user agent core (UAS and UAC) over UDP semantics: front door validation, transactions, dialogs,
/// SDP offer/answer, CANCEL, re-INVITE, INFO DTMF, REFER/NOTIFY, outbound calls with digest auth and
/// registration. No I/O and no clock: call `handle(_:at:)` and perform the returned actions in order.
/// Never traps on input: malformed input becomes a 4xx reply or a `.dropped` action.
public struct SIPUserAgentCore: Sendable {
    public let config: SIPUserAgentConfig
    var frontDoor: SIPFrontDoor
    var random: SIPRandom
    var serverInvites: [SIPTransactionKey: (transaction: SIPServerInviteTransaction, peer: SIPEndpoint)] = [:]
    var serverOthers: [SIPTransactionKey: (transaction: SIPServerNonInviteTransaction, peer: SIPEndpoint)] = [:]
    var clientInvites: [SIPTransactionKey: (transaction: SIPClientInviteTransaction, peer: SIPEndpoint, purpose: SIPClientPurpose)] = [:]
    var clientOthers: [SIPTransactionKey: (transaction: SIPClientNonInviteTransaction, peer: SIPEndpoint, purpose: SIPClientPurpose)] = [:]
    var calls: [String: SIPCall] = [:]
    var registrations: [String: SIPRegistrationState] = [:]
    var now: Duration = .zero
    var out: [SIPUAAction] = []

    public init(config: SIPUserAgentConfig) {
        self.config = config
        self.random = SIPRandom(seed: config.seed)
        self.frontDoor = SIPFrontDoor(validator: SIPRequestValidator(policy: config.policy))
    }

    /// Call-IDs of calls the core still tracks.
    public var activeCallIDs: [String] { calls.values.filter { $0.state != .ended }.map(\.callID).sorted() }

    /// Number of calls the core tracks, O(1) (for per-event metrics). Unlike `activeCallIDs` it includes an
    /// outbound call hung up before the answer until its INVITE transaction completes.
    public var activeCallCount: Int { calls.count }

    /// Number of live transactions (for metrics and leak tests).
    public var transactionCount: Int { serverInvites.count + serverOthers.count + clientInvites.count + clientOthers.count }

    /// Feeds one event at time `now`; returns what to do, in order.
    public mutating func handle(_ event: SIPUAEvent, at now: Duration) -> [SIPUAAction] {
        self.now = now
        out = []
        switch event {
        case .datagram(let bytes, let source): receive(bytes, from: source)
        case .timerFired(let id): timerFired(id)
        case .command(let command): perform(command)
        }
        let result = out
        out = []
        return result
    }

    // MARK: - Plumbing

    mutating func send(_ message: SIPMessage, to peer: SIPEndpoint) {
        out.append(.send(message.serialized(), to: peer))
    }

    mutating func newVia() -> SIPVia {
        SIPVia(transport: config.transport, host: config.local.host, port: config.local.port, branch: random.branch(), rport: true)
    }

    var localContact: SIPURI {
        var uri = SIPURI(user: "switchboard", host: config.local.host, port: config.local.port)
        if config.transport != "UDP" { uri.parameters.append(SIPParameter(name: "transport", value: config.transport.lowercased())) }
        return uri
    }

    /// Headers every 2xx to INVITE and OPTIONS response carries.
    var capabilityHeaders: SIPHeaders {
        var headers = SIPHeaders()
        headers.add("Allow", config.policy.allowHeader)
        headers.add("Supported", config.policy.supportedExtensions.joined(separator: ", "))
        return headers
    }

    mutating func timerFired(_ id: SIPUATimerID) {
        guard let timer = id.timer else {
            if case .registration(let regID) = id.scope, let state = registrations[regID] { sendRegister(state.registration, credentialsHeader: nil) }
            return
        }
        switch id.scope {
        case .server(let key):
            if var entry = serverInvites[key] {
                let actions = entry.transaction.handle(.timer(timer), at: now)
                serverInvites[key] = entry
                applyServer(actions, key: key, peer: entry.peer)
            } else if var entry = serverOthers[key] {
                let actions = entry.transaction.handle(.timer(timer), at: now)
                serverOthers[key] = entry
                applyServer(actions, key: key, peer: entry.peer)
            }
        case .client(let key):
            if var entry = clientInvites[key] {
                let actions = entry.transaction.handle(.timer(timer), at: now)
                clientInvites[key] = entry
                applyClient(actions, key: key, peer: entry.peer, purpose: entry.purpose)
            } else if var entry = clientOthers[key] {
                let actions = entry.transaction.handle(.timer(timer), at: now)
                clientOthers[key] = entry
                applyClient(actions, key: key, peer: entry.peer, purpose: entry.purpose)
            }
        case .registration:
            break
        }
    }

    /// Performs a server transaction's actions; returns nothing (deliveries are ACKs handled here).
    mutating func applyServer(_ actions: [SIPTransactionAction], key: SIPTransactionKey, peer: SIPEndpoint) {
        for action in actions {
            switch action {
            case .send(let message): send(message, to: peer)
            case .startTimer(let timer, let deadline): out.append(.startTimer(SIPUATimerID(scope: .server(key), timer: timer), deadline: deadline))
            case .cancelTimer(let timer): out.append(.cancelTimer(SIPUATimerID(scope: .server(key), timer: timer)))
            case .deliver(.request(let ack)): ackDelivered(ack, key: key)
            case .deliver: break
            case .timeout: serverTimedOut(key)
            case .terminated:
                serverInvites[key] = nil
                serverOthers[key] = nil
            }
        }
    }

    mutating func applyClient(_ actions: [SIPTransactionAction], key: SIPTransactionKey, peer: SIPEndpoint, purpose: SIPClientPurpose) {
        for action in actions {
            switch action {
            case .send(let message): send(message, to: peer)
            case .startTimer(let timer, let deadline): out.append(.startTimer(SIPUATimerID(scope: .client(key), timer: timer), deadline: deadline))
            case .cancelTimer(let timer): out.append(.cancelTimer(SIPUATimerID(scope: .client(key), timer: timer)))
            case .deliver(.response(let response)): responseDelivered(response, purpose: purpose, key: key)
            case .deliver: break
            case .timeout: clientTimedOut(purpose)
            case .terminated:
                clientInvites[key] = nil
                clientOthers[key] = nil
            }
        }
    }

    /// Sends `response` through the server transaction `key`.
    mutating func respond(_ key: SIPTransactionKey, _ response: SIPResponse) {
        if var entry = serverInvites[key] {
            let actions = entry.transaction.handle(.send(response), at: now)
            serverInvites[key] = entry
            applyServer(actions, key: key, peer: entry.peer)
        } else if var entry = serverOthers[key] {
            let actions = entry.transaction.handle(.send(response), at: now)
            serverOthers[key] = entry
            applyServer(actions, key: key, peer: entry.peer)
        }
    }

    /// Creates a non-INVITE server transaction for `request` and answers it.
    mutating func answerNonInvite(_ request: SIPRequest, key: SIPTransactionKey, from peer: SIPEndpoint, _ response: SIPResponse) {
        serverOthers[key] = (SIPServerNonInviteTransaction(request: request, key: key, timers: config.timers), peer)
        respond(key, response)
    }

    mutating func startClient(_ request: SIPRequest, to peer: SIPEndpoint, purpose: SIPClientPurpose) -> SIPTransactionKey {
        if request.method == .invite {
            var transaction = SIPClientInviteTransaction(request: request, timers: config.timers)
            let key = transaction.key
            let actions = transaction.start(at: now)
            clientInvites[key] = (transaction, peer, purpose)
            applyClient(actions, key: key, peer: peer, purpose: purpose)
            return key
        }
        var transaction = SIPClientNonInviteTransaction(request: request, timers: config.timers)
        let key = transaction.key
        let actions = transaction.start(at: now)
        clientOthers[key] = (transaction, peer, purpose)
        applyClient(actions, key: key, peer: peer, purpose: purpose)
        return key
    }

    mutating func endCall(_ callID: String, reason: SIPCallEndReason) {
        guard var call = calls[callID] else { return }
        if !call.endReported {
            call.endReported = true
            out.append(.callEnded(callID: callID, reason: reason))
        }
        call.state = .ended
        calls[callID] = nil
    }
}
