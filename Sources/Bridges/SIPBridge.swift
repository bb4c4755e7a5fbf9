import Foundation
public import Logging
public import NIOCore
import SIP

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
    }

    public struct Configuration: Sendable {
        public var codecs: [MediaCodec]
        public var userAgent: String
        /// Routes a call by everything known about it (the caller too).
        public var route: @Sendable (IncomingCallInfo) -> CallRoute

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

        public init() {}

        /// Count for one bad-input kind (0 if never seen).
        public func badInput(_ kind: String) -> UInt64 { badInput[kind] ?? 0 }
    }

    public let eventLoop: any EventLoop
    public let media: MediaEngine
    let configuration: Configuration
    let logger: Logger
    var channel: (any Channel)?
    var core: SIPUserAgentCore?
    var calls: [String: BridgeCall] = [:]
    var timers: [SIPUATimerID: Scheduled<Void>] = [:]
    let counters = SIPBridgeCounters()
    var badInputLog = SIPLogRateLimiter()
    /// Source of the datagram being handled (for bad-input logs).
    var currentSource: SIPEndpoint?
    var shuttingDown = false
    let clock = ContinuousClock()
    let epoch: ContinuousClock.Instant

    public init(eventLoop: any EventLoop, media: MediaEngine, configuration: Configuration, logger: Logger) {
        self.eventLoop = eventLoop
        self.media = media
        self.configuration = configuration
        self.logger = logger
        epoch = clock.now
    }

    /// Creates the UA core once the socket is bound (the core needs our address for Via/Contact).
    func bound(host: String, port: Int) {
        let codecs: [SDPCodec] = configuration.codecs.map {
            switch $0 {
            case .pcmu: .pcmu
            case .pcma: .pcma
            case .opus: .opus
            }
        }
        core = SIPUserAgentCore(
            config: SIPUserAgentConfig(
                local: SIPEndpoint(host: host, port: port), mediaAddress: media.configuration.bindHost,
                userAgent: configuration.userAgent, negotiator: SDPNegotiator(codecs: codecs),
                seed: UInt64.random(in: 0...UInt64.max)))
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

    /// Handles one datagram (SIP loop).
    func receive(_ bytes: [UInt8], from peer: SocketAddress) {
        counters.update { $0.datagramsReceived += 1 }
        guard let ip = peer.ipAddress, let port = peer.port else { return }
        let source = SIPEndpoint(host: ip, port: port)
        currentSource = source
        run(.datagram(bytes, from: source))
        currentSource = nil
    }

    /// Feeds one event to the core and performs its actions (SIP loop).
    func run(_ event: SIPUAEvent) {
        eventLoop.preconditionInEventLoop()
        // Mutate the core in place: copying it out (`var c = core`) and back would make every dictionary
        // inside it non-unique, so the first write copied all calls and transactions — O(calls) per datagram.
        guard let actions = core?.handle(event, at: now) else { return }
        for action in actions { perform(action) }
        let active = core?.activeCallCount ?? 0
        let transactions = core?.transactionCount ?? 0
        counters.update {
            $0.activeCalls = active
            $0.transactions = transactions
        }
    }

    func command(_ command: SIPUACommand) { run(.command(command)) }

    func send(_ bytes: [UInt8], to endpoint: SIPEndpoint) {
        guard let channel, let address = try? SocketAddress(ipAddress: endpoint.host, port: endpoint.port) else { return }
        if bytes.starts(with: Self.badRequestPrefix) { counters.update { $0.badRequestsAnswered += 1 } }
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
