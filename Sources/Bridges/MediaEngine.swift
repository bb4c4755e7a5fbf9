public import Logging
public import NIOCore
import NIOPosix
import RTP

/// All calls' RTP on one media event loop, paced by ONE shared 20 ms clock (DESIGN: "one media clock,
/// pull-based"): each tick pulls the inbound frame and the next outbound frame of every live call, writes all
/// packets, then flushes them together. Per-call state lives in `CallMediaSession`, confined to the loop.
public final class MediaEngine: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var bindHost: String
        public var portRange: ClosedRange<UInt16>
        public var jitterMinMilliseconds: Int
        public var jitterMaxMilliseconds: Int
        public init(
            bindHost: String = "127.0.0.1", portRange: ClosedRange<UInt16> = 20000...20999,
            jitterMinMilliseconds: Int = 20, jitterMaxMilliseconds: Int = 200
        ) {
            self.bindHost = bindHost
            self.portRange = portRange
            self.jitterMinMilliseconds = jitterMinMilliseconds
            self.jitterMaxMilliseconds = jitterMaxMilliseconds
        }
    }

    /// Pacing of the shared clock: how late ticks fired relative to their 20 ms schedule.
    public struct TickStatistics: Sendable {
        public var ticks: UInt64 = 0
        public var lateOver1ms: UInt64 = 0
        public var maxLatenessMicroseconds: Int64 = 0
        public var totalWorkMicroseconds: Int64 = 0
        public var packetsSent: UInt64 = 0
        /// Outbound packets written within 1 ms of their tick's scheduled time, and later than that.
        public var packetsWithin1ms: UInt64 = 0
        public var packetsLate: UInt64 = 0
        public var liveCalls = 0
    }

    public let eventLoop: any EventLoop
    public let configuration: Configuration
    private let logger: Logger
    private var ports: MediaPortAllocator
    private var sessions: [CallMediaSession] = []
    private var tickTask: Scheduled<Void>?
    private var nextTick: NIODeadline = .now()
    private var tickStats = TickStatistics()
    private var running = false

    public init(eventLoop: any EventLoop, configuration: Configuration = Configuration(), logger: Logger) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.logger = logger
        ports = MediaPortAllocator(range: configuration.portRange)
    }

    /// Reserves a port pair and binds RTP/RTCP sockets for a new call (before the SDP answer is sent).
    public func openSession(callID: String) -> EventLoopFuture<CallMediaSession> {
        eventLoop.flatSubmit { self.bindSession(callID: callID, attemptsLeft: 8) }
    }

    private func bindSession(callID: String, attemptsLeft: Int) -> EventLoopFuture<CallMediaSession> {
        guard let port = ports.allocate() else {
            return eventLoop.makeFailedFuture(MediaEngineError(message: "media port range exhausted"))
        }
        let holder = SessionHolder()
        let rtcpHolder = SessionHolder()
        let host = configuration.bindHost
        let rtp = Self.bootstrap(eventLoop, handler: { RTPInboundHandler(holder: holder, isRTCP: false) })
            .bind(host: host, port: Int(port))
        let rtcp = Self.bootstrap(eventLoop, handler: { RTPInboundHandler(holder: rtcpHolder, isRTCP: true) })
            .bind(host: host, port: Int(port) + 1)
        return rtp.and(rtcp).flatMapError { error in
            rtp.whenSuccess { $0.close(promise: nil) }
            rtcp.whenSuccess { $0.close(promise: nil) }
            return self.eventLoop.makeFailedFuture(error)
        }.map { rtpChannel, rtcpChannel in
            let session = CallMediaSession(
                callID: callID, eventLoop: self.eventLoop, rtpChannel: rtpChannel, rtcpChannel: rtcpChannel,
                localPort: Int(port),
                jitter: (self.configuration.jitterMinMilliseconds, self.configuration.jitterMaxMilliseconds),
                logger: self.logger)
            holder.session = session
            rtcpHolder.session = session
            return session
        }.flatMapError { error in
            // Port busy (another process): keep it marked and try the next one.
            guard attemptsLeft > 0 else {
                self.ports.release(port)
                return self.eventLoop.makeFailedFuture(error)
            }
            let next = self.bindSession(callID: callID, attemptsLeft: attemptsLeft - 1)
            next.whenComplete { _ in self.ports.release(port) }
            return next
        }
    }

    private static func bootstrap(
        _ loop: any EventLoop, handler: @escaping @Sendable () -> RTPInboundHandler
    ) -> DatagramBootstrap {
        DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelOption(.datagramVectorReadMessageCount, value: 16)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 16 * 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(handler())
                }
            }
    }

    /// Starts media on an opened session (on the media loop); the call joins the shared tick.
    public func activate(
        _ session: CallMediaSession, media: NegotiatedMedia, remote: SocketAddress?,
        handler: any CallMediaHandler
    ) throws {
        eventLoop.preconditionInEventLoop()
        try session.activate(media: media, remote: remote, handler: handler, nowNanos: Self.nowNanos())
        sessions.append(session)
        startClockIfNeeded()
    }

    /// Ends a session (from any state) and frees its ports. Must run on the media loop.
    public func close(_ session: CallMediaSession, reason: HangUpReason) {
        eventLoop.preconditionInEventLoop()
        let wasEnded = session.isEnded
        session.end(reason: reason)
        if let i = sessions.firstIndex(where: { $0 === session }) { sessions.remove(at: i) }
        if !wasEnded { ports.release(UInt16(session.localPort)) }
    }

    /// Live calls (media loop only).
    public var liveCalls: Int { sessions.count }

    /// Ports in use (media loop only).
    public var portsInUse: Int { ports.allocatedCount }

    /// Media counters of one call by SIP Call-ID (nil when it has no live media).
    public func sessionStatistics(callID: String) -> EventLoopFuture<CallMediaSession.Statistics?> {
        eventLoop.submit { self.sessions.first { $0.callID == callID }?.statistics }
    }

    /// Pacing statistics so far; `reset` starts a new measurement window.
    public func tickStatistics(reset: Bool = false) -> EventLoopFuture<TickStatistics> {
        eventLoop.submit {
            var s = self.tickStats
            s.liveCalls = self.sessions.count
            if reset { self.tickStats = TickStatistics() }
            return s
        }
    }

    public func shutdown() -> EventLoopFuture<Void> {
        eventLoop.submit {
            for s in self.sessions { self.close(s, reason: .localHangUp) }
            self.tickTask?.cancel()
            self.running = false
        }
    }

    static func nowNanos() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    private func startClockIfNeeded() {
        guard !running else { return }
        running = true
        nextTick = .now() + .milliseconds(20)
        schedule()
    }

    private func schedule() {
        tickTask = eventLoop.scheduleTask(deadline: nextTick) { [self] in runTick() }
    }

    private func runTick() {
        let start = NIODeadline.now()
        let lateness = (start - nextTick).nanoseconds / 1000
        tickStats.ticks += 1
        if lateness > 1000 { tickStats.lateOver1ms += 1 }
        tickStats.maxLatenessMicroseconds = max(tickStats.maxLatenessMicroseconds, lateness)
        let now = start.uptimeNanoseconds
        var wrote = 0
        let onTime = nextTick + .milliseconds(1)
        // Pull every call's frame and send it. Each call has its own socket (symmetric RTP needs the port the
        // peer latched on), so a flush is one sendmsg per call; pacing is measured after it.
        for session in sessions where session.tick(nowNanos: now) {
            session.flush()
            wrote += 1
            if NIODeadline.now() <= onTime {
                tickStats.packetsWithin1ms += 1
            } else {
                tickStats.packetsLate += 1
            }
        }
        tickStats.packetsSent += UInt64(wrote)
        tickStats.totalWorkMicroseconds += (NIODeadline.now() - start).nanoseconds / 1000
        // Hand-ups requested during the tick.
        sessions.removeAll { $0.isEnded }
        guard running else { return }
        nextTick = nextTick + .milliseconds(20)
        // Far behind (machine stalled): resynchronise instead of bursting to catch up.
        if NIODeadline.now() - nextTick > .milliseconds(60) { nextTick = .now() + .milliseconds(20) }
        schedule()
    }
}

public struct MediaEngineError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

final class SessionHolder: @unchecked Sendable {
    weak var session: CallMediaSession?
}

/// Receives RTP (or RTCP) datagrams for one session on the media loop.
final class RTPInboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let holder: SessionHolder
    let isRTCP: Bool

    init(holder: SessionHolder, isRTCP: Bool) {
        self.holder = holder
        self.isRTCP = isRTCP
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let session = holder.session else { return }
        let now = MediaEngine.nowNanos()
        if isRTCP {
            session.receiveRTCP(envelope.data, from: envelope.remoteAddress, nowNanos: now)
        } else {
            session.receiveRTP(envelope.data, from: envelope.remoteAddress, nowNanos: now)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable etc. on UDP: not fatal for the call.
    }
}
