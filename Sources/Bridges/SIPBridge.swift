import Foundation
public import Logging
public import NIOCore
public import SIP

/// The SIP user agent over one UDP socket, wired to the `MediaEngine`: it feeds datagrams, timers and
/// commands into the pure `SIPUserAgentCore` and performs the actions it returns (send, timers, start/stop
/// media, digits, transfer progress). Signalling runs on the SIP event loop; media on the media loop.
public final class SIPBridge: @unchecked Sendable {
    /// What to do with a call to a given user part.
    public enum CallRoute: Sendable {
        /// Answer (after ringing for `ringFor`, if set) and run the handler the factory makes.
        case answer(ringFor: TimeAmount?, handler: @Sendable () -> any CallMediaHandler)
        /// Reject with this status code (e.g. 404, 486).
        case reject(Int)
    }

    /// Who is calling whom, as the INVITE says.
    public struct IncomingCallInfo: Sendable, Equatable {
        public var callID: String
        /// The dialled user part of the Request-URI.
        public var dialledUser: String
        /// The caller's user part from From (a number for calls from a trunk or PBX), or nil.
        public var callerUser: String?
        public var callerDisplayName: String?
        /// The INVITE's header fields by lower-case name (repeated fields joined with ", "), for flows that ask
        /// for them (`vars.sip_<name>`).
        public var headers: [String: String] = [:]
    }

    public struct Configuration: Sendable {
        public var codecs: [MediaCodec]
        public var userAgent: String
        /// Routes a call by everything known about it (the caller too).
        public var route: @Sendable (IncomingCallInfo) -> CallRoute
        /// What goes into Via/Contact and SDP (public address behind NAT; arrival address on a wildcard bind).
        public var advertised = SIPAdvertisedAddress()
        /// Allow-list, INVITE rate limit per source and concurrent-call cap, applied before the UA core.
        public var protection = SIPProtectionConfiguration()
        /// Concurrent calls Switchboard places (`placeCall`); past it `over_capacity` (nil: no cap).
        public var maxOutboundCalls: Int?
        /// What became of each REGISTER (by `SIPRegistration.id`), called on the SIP loop.
        public var registrationEvents: (@Sendable (_ id: String, _ outcome: SIPRegistrationOutcome) -> Void)?
        /// How an attended transfer reaches a target URI through a trunk (its next hop, credentials and From);
        /// nil or a nil answer: straight to the URI's host, From the caller's number.
        public var transferTrunk: (@Sendable (SIPURI) -> SIPTransferTrunk?)?

        /// Routes by the dialled user part alone.
        public init(
            codecs: [MediaCodec] = [.pcmu, .pcma, .opus], userAgent: String = "Switchboard",
            route: @escaping @Sendable (String) -> CallRoute
        ) {
            self.init(codecs: codecs, userAgent: userAgent, routeCall: { route($0.dialledUser) })
        }

        public init(
            codecs: [MediaCodec] = [.pcmu, .pcma, .opus], userAgent: String = "Switchboard",
            routeCall: @escaping @Sendable (IncomingCallInfo) -> CallRoute
        ) {
            self.codecs = codecs
            self.userAgent = userAgent
            self.route = routeCall
        }
    }

    /// Cumulative counters since start (see /work/notes/sip-stats-api.md).
    public struct Statistics: Sendable, Equatable {
        public var datagramsReceived: UInt64 = 0
        /// Datagrams/messages dropped without an answer (garbage, invalid responses, stray ACKs …; not keep-alives).
        public var dropped: UInt64 = 0
        /// `400 Bad Request` responses sent (front door and core, e.g. malformed SDP).
        public var badRequestsAnswered: UInt64 = 0
        /// Datagrams answered at once with an error by the front door (400/405/415/416/420/505/406).
        public var rejectedAnswered: UInt64 = 0
        /// Bare CRLF keep-alives received.
        public var keepAlives: UInt64 = 0
        /// Bad input by kind (`SIPBadInputKind` raw values: garbage, oversize, truncated, content_length,
        /// malformed, unsupported, invalid_response, stray), answered or dropped.
        public var badInput: [String: UInt64] = [:]
        /// Bad-input log lines suppressed by the rate limit (one line per kind per 10 s).
        public var logLinesSuppressed: UInt64 = 0
        public var callsOffered: UInt64 = 0
        public var callsAnswered: UInt64 = 0
        public var callsRejected: UInt64 = 0
        public var callsCancelled: UInt64 = 0
        public var callsEnded: UInt64 = 0
        /// re-INVITEs that changed the media (hold/unhold, new address, new codec).
        public var mediaUpdates: UInt64 = 0
        /// re-INVITEs that switched the codec.
        public var codecChanges: UInt64 = 0
        public var activeCalls: Int = 0
        public var digitsViaInfo: UInt64 = 0
        public var transfersAccepted: UInt64 = 0
        public var transactions: Int = 0
        /// TCP connections accepted or opened.
        public var tcpConnections: UInt64 = 0
        /// Requests refused before they reached a call, by `SIPRefusalReason` raw value.
        public var refused: [String: UInt64] = [:]
        /// Outbound calls placed, and refused by the outbound cap.
        public var outboundPlaced: UInt64 = 0
        public var outboundRefused: UInt64 = 0

        public init() {}

        /// Count for one bad-input kind (0 if never seen).
        public func badInput(_ kind: String) -> UInt64 { badInput[kind] ?? 0 }
    }

    public let eventLoop: any EventLoop
    public let media: MediaEngine
    let configuration: Configuration
    let logger: Logger
    var channel: (any Channel)?
    /// One UA core per advertised address and transport (one in the usual case; on a wildcard bind without a
    /// public address, one per local address requests arrive on, so each call advertises its own interface).
    var cores: [SIPCoreKey: SIPUserAgentCore] = [:]
    /// The core each call lives in (calls stay in the core they started in).
    var callCores: [String: SIPCoreKey] = [:]
    /// The core that started each running timer.
    var timerCores: [SIPUATimerID: SIPCoreKey] = [:]
    /// Bound address per transport ("UDP" → 0.0.0.0:5060).
    var boundAddresses: [String: SIPEndpoint] = [:]
    var calls: [String: BridgeCall] = [:]
    /// Outbound calls waiting for (or past) their answer, until they end.
    var outbound: [String: PendingOutbound] = [:]
    /// Attended transfers in progress, by the call ID of either leg (SIPBridge+AttendedTransfer).
    var attendedTransfers: [String: AttendedTransferRun] = [:]
    var timers: [SIPUATimerID: Scheduled<Void>] = [:]
    let counters = SIPBridgeCounters()
    var badInputLog = SIPLogRateLimiter()
    /// Source of the datagram being handled (for bad-input logs).
    var currentSource: SIPEndpoint?
    var shuttingDown = false
    var protection: SIPProtection
    /// Branches of INVITEs refused statelessly (their ACKs are absorbed, not counted as stray).
    var refusedBranches = SIPRecentSet(capacity: 4096)
    /// Live TCP connections by peer (accepted or opened), reused for every message to that peer.
    var streams: [SIPEndpoint: any Channel] = [:]
    /// Messages waiting for a TCP connection being opened.
    var pendingStreams: [SIPEndpoint: [[UInt8]]] = [:]
    /// Transport of the core whose actions are being performed ("TCP" replies go over the connection).
    var sendingTransport = "UDP"
    let clock = ContinuousClock()
    let epoch: ContinuousClock.Instant

    public init(eventLoop: any EventLoop, media: MediaEngine, configuration: Configuration, logger: Logger) {
        self.eventLoop = eventLoop
        self.media = media
        self.configuration = configuration
        self.logger = logger
        protection = SIPProtection(configuration: configuration.protection)
        epoch = clock.now
    }

    /// Records the bound socket (the cores need our address for Via/Contact) and creates the default core.
    func bound(host: String, port: Int, transport: String = "UDP") {
        boundAddresses[transport] = SIPEndpoint(host: host, port: port)
        _ = coreKey(transport: transport, arrivedOn: nil)
    }

    var now: Duration { clock.now - epoch }

    /// Counters so far (on the SIP loop; includes live call and transaction counts).
    public func currentStatistics() -> EventLoopFuture<Statistics> {
        eventLoop.submit {
            var s = self.counters.snapshot()
            s.activeCalls = self.core?.activeCallCount ?? 0
            s.transactions = self.core?.transactionCount ?? 0
            return s
        }
    }

    /// Cumulative counters, callable from any thread without waiting for the SIP loop (for metrics scrapes).
    /// `activeCalls`/`transactions` are as of the last datagram/timer the SIP loop handled.
    public func statisticsSnapshot() -> Statistics { counters.snapshot() }

    /// Handles one datagram (SIP loop). `localHost` is the address it arrived on (IP_PKTINFO), if known.
    func receive(_ bytes: [UInt8], from peer: SocketAddress, localHost: String? = nil, transport: String = "UDP") {
        counters.update { $0.datagramsReceived += 1 }
        guard let ip = peer.ipAddress, let port = peer.port else { return }
        let source = SIPEndpoint(host: ip, port: port)
        currentSource = source
        let outer = sendingTransport
        sendingTransport = transport
        defer {
            currentSource = nil
            sendingTransport = outer
        }
        guard admit(bytes, from: source) else { return }
        run(.datagram(bytes, from: source), in: coreKey(transport: transport, arrivedOn: localHost))
    }

    /// The core for requests arriving on `arrivedOn` over `transport`, created on first use.
    func coreKey(transport: String, arrivedOn: String?) -> SIPCoreKey {
        let bound = boundAddresses[transport] ?? boundAddresses["UDP"] ?? SIPEndpoint(host: "127.0.0.1", port: 5060)
        let local = configuration.advertised.signalling(
            transport: transport, boundHost: bound.host, boundPort: bound.port, arrivedOn: arrivedOn)
        let key = SIPCoreKey(transport: transport, local: local)
        if cores[key] == nil {
            let codecs: [SDPCodec] = configuration.codecs.map {
                switch $0 {
                case .pcmu: .pcmu
                case .pcma: .pcma
                case .opus: .opus
                }
            }
            let mediaAddress = configuration.advertised.media(signallingHost: local.host, mediaBindHost: media.configuration.bindHost)
            var config = SIPUserAgentConfig(
                local: local, mediaAddress: mediaAddress, userAgent: configuration.userAgent,
                negotiator: SDPNegotiator(codecs: codecs), seed: UInt64.random(in: 0...UInt64.max))
            config.transport = transport
            cores[key] = SIPUserAgentCore(config: config)
        }
        return key
    }

    /// The core for UDP when nothing ties an event to one (commands without a call).
    var defaultCoreKey: SIPCoreKey { coreKey(transport: "UDP", arrivedOn: nil) }

    /// Feeds one event to a core and performs its actions (SIP loop).
    func run(_ event: SIPUAEvent, in key: SIPCoreKey) {
        eventLoop.preconditionInEventLoop()
        // Mutate the core in place: copying it out (`var c = core`) and back would make every dictionary
        // inside it non-unique, so the first write copied all calls and transactions — O(calls) per datagram.
        guard let actions = cores[key]?.handle(event, at: now) else { return }
        let outer = sendingTransport
        sendingTransport = key.transport
        defer { sendingTransport = outer }
        for action in actions {
            switch action {
            case .startTimer(let id, _): timerCores[id] = key
            case .cancelTimer(let id): timerCores[id] = nil
            case .incomingCall(let incoming):
                callCores[incoming.callID] = key
                if !protection.admitCall(active: calls.count) {
                    refusedCount(.overCapacity)
                    command(.reject(callID: incoming.callID, statusCode: 503))
                    continue
                }
            case .callEnded(let callID, _): callCores[callID] = nil
            default: break
            }
            perform(action)
        }
        var active = 0
        var transactions = 0
        for value in cores.values {
            active += value.activeCallCount
            transactions += value.transactionCount
        }
        counters.update {
            $0.activeCalls = active
            $0.transactions = transactions
        }
    }

    /// Routes an event that names no core: a timer to the core that started it, a command to its call's core.
    func run(_ event: SIPUAEvent) {
        switch event {
        case .timerFired(let id):
            guard let key = timerCores.removeValue(forKey: id) else { return }
            run(event, in: key)
        case .command(let command): run(event, in: command.callID.flatMap { callCores[$0] } ?? defaultCoreKey)
        case .datagram: run(event, in: defaultCoreKey)
        }
    }

    func command(_ command: SIPUACommand) { run(.command(command)) }

    /// Totals over all cores (live calls, transactions, call ids), for statistics and shutdown.
    var core: SIPCoreSummary? {
        var summary = SIPCoreSummary()
        for value in cores.values {
            summary.activeCallCount += value.activeCallCount
            summary.transactionCount += value.transactionCount
        }
        summary.activeCallIDs = cores.values.flatMap(\.activeCallIDs).sorted()
        return summary
    }

    func send(_ bytes: [UInt8], to endpoint: SIPEndpoint) {
        if bytes.starts(with: Self.badRequestPrefix) { counters.update { $0.badRequestsAnswered += 1 } }
        if sendingTransport == "TCP" || boundAddresses["TCP"] != nil, sendOverStream(bytes, to: endpoint) { return }
        guard let channel, let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port) else { return }
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    static let badRequestPrefix = Array("SIP/2.0 400 ".utf8)
}

/// The bridge's counters behind a lock: written on the SIP loop, read from anywhere.
final class SIPBridgeCounters: @unchecked Sendable {
    private let lock = NSLock()
    private var value = SIPBridge.Statistics()

    func update(_ body: (inout SIPBridge.Statistics) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body(&value)
    }

    func snapshot() -> SIPBridge.Statistics {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
