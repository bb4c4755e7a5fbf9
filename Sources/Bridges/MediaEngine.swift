public import Logging
public import NIOCore
import NIOPosix
import RTP
public import SwitchboardCore

/// All calls' RTP on one media event loop, paced by ONE shared media clock (DESIGN: "one media clock,
/// pull-based"). The clock runs on absolute deadlines (each slot is due at `start + k × 2 ms`, never re-based
/// on when the previous one ran, so it does not drift) and cuts the 20 ms cycle into 10 phases: each call is
/// pinned to one phase and, every 20 ms at its phase, the clock pulls its inbound frame, hands it to the
/// handler, then writes and flushes its outbound packet. Spreading calls over the cycle keeps each send within
/// a few hundred µs of its schedule instead of queueing every call's sendmsg behind all others'. Per-call state
/// lives in `CallMediaSession`, confined to the loop: no locks, actors or Tasks on the per-packet path.
/// RTP sockets are not watched by epoll: the clock drains a call's socket (one recvmmsg) right before its tick and
/// its packet leaves with one sendto (`MediaEngine+Sockets.swift`), so a datagram never wakes the loop.
public final class MediaEngine: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var bindHost: String
        public var portRange: ClosedRange<UInt16>
        public var jitterMinMilliseconds: Int
        public var jitterMaxMilliseconds: Int
        /// SCHED_FIFO priority (1–99) for the media loop's thread, nil = normal scheduling. Keeps pacing on
        /// time on a busy machine; needs CAP_SYS_NICE (logged and ignored when refused).
        public var realtimePriority: Int32?
        /// Clock phases per 20 ms cycle (1–40): each call is pinned to one, so sends go out spread over the cycle.
        public var phases: Int
        public init(
            bindHost: String = "127.0.0.1", portRange: ClosedRange<UInt16> = 20000...20999,
            jitterMinMilliseconds: Int = 20, jitterMaxMilliseconds: Int = 200, realtimePriority: Int32? = nil,
            phases: Int = MediaEngine.defaultPhaseCount
        ) {
            self.phases = min(max(phases, 1), 40)
            self.bindHost = bindHost
            self.portRange = portRange
            self.jitterMinMilliseconds = jitterMinMilliseconds
            self.jitterMaxMilliseconds = jitterMaxMilliseconds
            self.realtimePriority = realtimePriority
        }
    }

    public let eventLoop: any EventLoop
    public let configuration: Configuration
    private let logger: Logger
    private var ports: MediaPortAllocator
    /// A live call and its RTP socket (read by the clock) and writer.
    struct Slot {
        let session: CallMediaSession
        let fd: CInt
        let writer: RTPDirectWriter
    }
    /// Live calls by clock phase: phase p sends at `p × 20 ms / phaseCount + n × 20 ms` of the clock's schedule.
    private var phases: [[Slot]]
    /// Opened sessions' sockets until they are activated (or closed).
    private var opened: [ObjectIdentifier: (fd: CInt, writer: RTPDirectWriter)] = [:]
    private let reader: RTPSocketReader
    /// Sends refused by the kernel on calls that ended (live calls' are summed at publish).
    private var retiredSendFailures: UInt64 = 0
    private var liveCount = 0
    private var tickTask: Scheduled<Void>?
    /// The next phase slot to serve and when it is due (absolute; never re-based on when a tick ran).
    private var nextDeadline: NIODeadline = .now()
    private var phaseIndex = 0
    private var tickStats = TickStatistics()
    private var running = false
    /// Cumulative counters: calls that ended, pacing since start, and the snapshot `statistics()` returns.
    private var retired = MediaStatistics()
    private var pacingTotal = PacingHistogram()
    private var lastPublish: NIODeadline = .now()
    private let published = MediaLockedBox(MediaStatistics())

    /// The 20 ms cycle is cut into 10 phases of 2 ms; each call is pinned to the least loaded one, so a
    /// slot serves 1/10 of the calls and sends go out spread over the cycle instead of in one burst (one
    /// sendmsg per call is ~5–10 µs here, so 800 calls in one burst would take the last one 4–8 ms; in a
    /// phase of 80 it is 0.4–0.8 ms). Every phase is a wake-up of the media thread, and a wake-up costs
    /// ~10–20 µs of CPU on this (virtual) machine: measured with `deploy/bench-media.sh 400`, 40 phases of
    /// 0.5 ms cost 0.89 ms CPU per echo call-second, 10 phases 0.67, with the same pacing error; 4 phases of
    /// 5 ms made the bursts long enough for a busy machine to preempt them (sched p99 15 ms).
    public static let defaultPhaseCount = 10
    let phaseCount: Int
    let phaseLength: TimeAmount
    /// The phases in the order new calls open them (`spreadOrder(phaseCount)`).
    private let spread: [Int]
    /// A slot served later than this (µs) is not on time: its calls drain no extra frames after a burst.
    static let catchUpLatenessMicroseconds: Int64 = 5_000

    public init(eventLoop: any EventLoop, configuration: Configuration = Configuration(), logger: Logger) {
        self.eventLoop = eventLoop
        self.configuration = configuration
        self.logger = logger
        phaseCount = configuration.phases
        phaseLength = .nanoseconds(20_000_000 / Int64(configuration.phases))
        phases = [[Slot]](repeating: [], count: configuration.phases)
        spread = Self.spreadOrder(configuration.phases)
        ports = MediaPortAllocator(range: configuration.portRange)
        reader = RTPSocketReader(allocator: ByteBufferAllocator())
        let priority = configuration.realtimePriority
        eventLoop.execute {
            MediaThreadTuning.tightenTimerSlack()
            if let priority, !MediaThreadTuning.useRealtimeScheduling(priority: priority) {
                logger.warning("media loop: SCHED_FIFO refused, running with normal scheduling")
            }
        }
    }

    /// Reserves a port pair and binds RTP/RTCP sockets for a new call (before the SDP answer is sent).
    public func openSession(callID: String) -> EventLoopFuture<CallMediaSession> {
        eventLoop.flatSubmit { self.bindSession(callID: callID, attemptsLeft: 8) }
    }

    private func bindSession(callID: String, attemptsLeft: Int) -> EventLoopFuture<CallMediaSession> {
        guard let port = ports.allocate() else {
            return eventLoop.makeFailedFuture(MediaEngineError(message: "media port range exhausted"))
        }
        let rtcpHolder = SessionHolder()
        let host = configuration.bindHost
        let rtpFD: CInt
        do {
            rtpFD = try RTPSocketCalls.open(SocketAddress.makeAddressResolvingHost(host, port: Int(port)))
        } catch {
            return retry(port: port, callID: callID, attemptsLeft: attemptsLeft, error: error)
        }
        let writer = RTPDirectWriter(fd: rtpFD)
        let rtp = DatagramBootstrap(group: eventLoop)
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(writer) }
            }
            .withBoundSocket(rtpFD)  // NIO owns the descriptor from here on (closed with the channel)
        let rtcp = Self.bootstrap(eventLoop, handler: { RTPInboundHandler(holder: rtcpHolder, isRTCP: true) })
            .bind(host: host, port: Int(port) + 1)
        return rtp.and(rtcp).flatMapError { error in
            rtp.whenSuccess { $0.close(promise: nil) }
            rtcp.whenSuccess { $0.close(promise: nil) }
            return self.eventLoop.makeFailedFuture(error)
        }.map { rtpChannel, rtcpChannel in
            let session = CallMediaSession(
                callID: callID, eventLoop: self.eventLoop, rtpChannel: rtpChannel, rtcpChannel: rtcpChannel,
                writer: writer, localPort: Int(port),
                jitter: (self.configuration.jitterMinMilliseconds, self.configuration.jitterMaxMilliseconds),
                logger: self.logger)
            rtcpHolder.session = session
            self.opened[ObjectIdentifier(session)] = (rtpFD, writer)
            return session
        }.flatMapError { error in
            self.retry(port: port, callID: callID, attemptsLeft: attemptsLeft, error: error)
        }
    }

    /// Port busy (another process): keep it marked and try the next one.
    private func retry(
        port: UInt16, callID: String, attemptsLeft: Int, error: any Error
    ) -> EventLoopFuture<CallMediaSession> {
        guard attemptsLeft > 0 else {
            ports.release(port)
            return eventLoop.makeFailedFuture(error)
        }
        let next = bindSession(callID: callID, attemptsLeft: attemptsLeft - 1)
        next.whenComplete { _ in self.ports.release(port) }
        return next
    }

    private static func bootstrap(
        _ loop: any EventLoop, handler: @escaping @Sendable () -> RTPInboundHandler
    ) -> DatagramBootstrap {
        DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // One vector read (recvmmsg, up to 8 datagrams) per readiness: epoll is level-triggered, so what is
            // left is reported again, and we save the extra recvmmsg that would only return EAGAIN.
            .channelOption(.maxMessagesPerRead, value: 1)
            .channelOption(.datagramVectorReadMessageCount, value: 8)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 8 * 2048))
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
        guard let socket = opened.removeValue(forKey: ObjectIdentifier(session)) else {
            throw MediaEngineError(message: "media session \(session.callID) is not open on this engine")
        }
        do {
            try session.activate(media: media, remote: remote, handler: handler, nowNanos: Self.nowNanos())
        } catch {
            opened[ObjectIdentifier(session)] = socket
            throw error
        }
        let best = Self.phase(forNewCallAmong: phases.map(\.count), callsPerPhase: callsPerPhase, order: spread)
        session.phase = best
        phases[best].append(Slot(session: session, fd: socket.fd, writer: socket.writer))
        liveCount += 1
        retired.callsTotal += 1
        startClockIfNeeded()
    }

    /// Ends a session (from any state) and frees its ports. Must run on the media loop.
    public func close(_ session: CallMediaSession, reason: HangUpReason) {
        eventLoop.preconditionInEventLoop()
        let wasEnded = session.isEnded
        session.end(reason: reason)
        if let socket = opened.removeValue(forKey: ObjectIdentifier(session)) {
            retiredSendFailures += socket.writer.failures
        }
        if let i = phases[session.phase].firstIndex(where: { $0.session === session }) {
            retiredSendFailures += phases[session.phase][i].writer.failures
            phases[session.phase].remove(at: i)
            liveCount -= 1
        }
        if !wasEnded {
            ports.release(UInt16(session.localPort))
            retired.add(session.statistics)
            publish()
        }
    }

    /// Live calls (media loop only).
    public var liveCalls: Int { liveCount }

    /// Cumulative RTP counters of all calls (live and ended) for /metrics. Any thread; one lock, no hop.
    /// Refreshed by the media loop every 100 ms and when a call ends.
    public func statistics() -> MediaStatistics { published.load() }

    /// Ports in use (media loop only).
    public var portsInUse: Int { ports.allocatedCount }

    /// Media counters of one call by SIP Call-ID (nil when it has no live media).
    public func sessionStatistics(callID: String) -> EventLoopFuture<CallMediaSession.Statistics?> {
        eventLoop.submit { self.phases.lazy.joined().first { $0.session.callID == callID }?.session.statistics }
    }

    /// Pacing statistics so far; `reset` starts a new measurement window.
    public func tickStatistics(reset: Bool = false) -> EventLoopFuture<TickStatistics> {
        eventLoop.submit {
            var s = self.tickStats
            s.liveCalls = self.liveCount
            if reset { self.tickStats = TickStatistics() }
            return s
        }
    }

    public func shutdown() -> EventLoopFuture<Void> {
        eventLoop.submit {
            for s in Array(self.phases.joined()) { self.close(s.session, reason: .completed) }
            self.tickTask?.cancel()
            self.running = false
        }
    }

    static func nowNanos() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// Calls a phase takes before the next one opens: as many as the loop serves in ~0.5 ms (measured per call,
    /// `callWorkNanos`), 4 to 40. A release build serves a call in ~6–15 µs, so a phase takes 40 and sends its last
    /// packet ≤ 0.5 ms after its first; a debug build (~80 µs a call) takes 6. Fewer open phases are fewer
    /// wake-ups, each ~30 µs of CPU on this VM (`deploy/bench-floor.sh 1`).
    var callsPerPhase: Int { Int(min(40, max(4, 500_000 / max(callWorkNanos, 1)))) }
    /// Smoothed loop time per call served (ns); starts at a release build's figure.
    private var callWorkNanos = 10_000.0

    /// The phase a new call is pinned to, given the calls each phase has: the first phase in spread order
    /// (0, n/2, n/4, 3n/4, …: open phases stay far apart) that has fewer than `callsPerPhase` calls; when all
    /// are that full, the least loaded one. So 30 calls wake the loop 50 times a second instead of 500, and
    /// 400 calls fill all ten phases evenly.
    /// `order`: `spreadOrder(counts.count)`, which the engine works out once.
    static func phase(forNewCallAmong counts: [Int], callsPerPhase: Int = 40, order: [Int]? = nil) -> Int {
        for p in order ?? spreadOrder(counts.count) where counts[p] < callsPerPhase { return p }
        var best = 0
        for p in counts.indices where counts[p] < counts[best] { best = p }
        return best
    }

    /// 0..<n in bit-reversed-like spread order: each next phase is the one farthest from those already taken.
    static func spreadOrder(_ n: Int) -> [Int] {
        guard n > 1 else { return n == 1 ? [0] : [] }
        var order = [0]
        var taken = Set([0])
        while order.count < n {
            var best = -1
            var bestDistance = -1
            for p in 0..<n where !taken.contains(p) {
                let distance = order.map { min(abs(p - $0), n - abs(p - $0)) }.min() ?? n
                if distance > bestDistance { (best, bestDistance) = (p, distance) }
            }
            order.append(best)
            taken.insert(best)
        }
        return order
    }

    private func startClockIfNeeded() {
        guard !running else { return }
        running = true
        nextDeadline = .now() + phaseLength
        schedule()
    }

    private func schedule() {
        tickTask = eventLoop.scheduleTask(deadline: nextDeadline) { [self] in runDue() }
    }

    /// Serves every phase slot that is due (normally one), then sleeps until the next slot that has calls.
    private func runDue() {
        var now = NIODeadline.now()
        var served = 0
        while nextDeadline <= now && served < phaseCount {
            serve(phase: phaseIndex, deadline: nextDeadline)
            advancePhase()
            served += 1
            now = .now()
        }
        // Far behind (machine stalled): skip whole cycles, keeping every call's phase, instead of bursting.
        if now - nextDeadline > .milliseconds(60) {
            let behind = (now - nextDeadline).nanoseconds
            let cycles = behind / TimeAmount.milliseconds(20).nanoseconds + 1
            nextDeadline = nextDeadline + .nanoseconds(cycles * TimeAmount.milliseconds(20).nanoseconds)
            tickStats.resyncs += UInt64(cycles)
        }
        if now - lastPublish >= .milliseconds(100) { publish() }
        guard running, liveCount > 0 else {
            running = false
            publish()
            return
        }
        while phases[phaseIndex].isEmpty { advancePhase() }
        schedule()
    }

    private func advancePhase() {
        nextDeadline = nextDeadline + phaseLength
        phaseIndex += 1
        if phaseIndex == phaseCount { phaseIndex = 0 }
    }

    /// One phase slot: for every call, read what its socket received since its last tick (one recvmmsg), pull
    /// its inbound frame, hand it up, write its outbound packet (one sendto). Each call has its own socket
    /// (symmetric RTP needs the port the peer latched on), so sends cannot be batched across calls; each
    /// packet's lateness is taken after its syscall returned.
    private func serve(phase: Int, deadline: NIODeadline) {
        guard !phases[phase].isEmpty else { return }
        let start = NIODeadline.now()
        let lateness = (start - deadline).nanoseconds / 1000
        tickStats.ticks += 1
        if lateness > 1000 { tickStats.lateOver1ms += 1 }
        tickStats.maxLatenessMicroseconds = max(tickStats.maxLatenessMicroseconds, lateness)
        let now = start.uptimeNanoseconds
        var anyEnded = false
        var i = 0
        while i < phases[phase].count {
            let session = phases[phase][i].session
            receive(fd: phases[phase][i].fd, writer: phases[phase][i].writer, session, nowNanos: now)
            i += 1
            if session.tick(nowNanos: now, onTime: lateness < Self.catchUpLatenessMicroseconds) {
                session.flush()
                let late = (NIODeadline.now() - deadline).nanoseconds
                tickStats.sends.record(latenessNanoseconds: late)
                pacingTotal.record(latenessNanoseconds: late)
            }
            if session.isEnded { anyEnded = true }
        }
        let work = (NIODeadline.now() - start).nanoseconds
        tickStats.totalWorkMicroseconds += work / 1000
        // What one call costs the loop (receive, tick, send), smoothed over slots: it sizes the phases.
        callWorkNanos += (Double(work) / Double(max(i, 1)) - callWorkNanos) / 64
        if anyEnded {
            let before = phases[phase].count
            phases[phase].removeAll { $0.session.isEnded }
            liveCount -= before - phases[phase].count
        }
    }

    /// Hands every datagram waiting on the call's RTP socket to the session, with its kernel arrival time. The
    /// latched peer's `SocketAddress` is reused when the packet comes from it (no allocation per packet).
    private func receive(fd: CInt, writer: RTPDirectWriter, _ session: CallMediaSession, nowNanos: UInt64) {
        reader.drain(fd: fd, nowNanos: nowNanos) { buffer, source, arrival in
            // The writer keeps the session's remote address raw: one memcmp, no SocketAddress per packet.
            if writer.isDestination(source), let known = session.remoteAddress {
                session.receiveRTP(buffer, from: known, nowNanos: arrival, fromRemote: true)
            } else if let address = RTPSocketCalls.address(source) {
                session.receiveRTP(buffer, from: address, nowNanos: arrival, fromRemote: false)
            }
        }
    }

    /// Publishes the cumulative counters for `statistics()`.
    private func publish() {
        lastPublish = .now()
        var s = retired
        s.sendFailures = retiredSendFailures
        for list in phases {
            for slot in list {
                s.add(slot.session.statistics)
                s.sendFailures += slot.writer.failures
            }
        }
        s.activeCalls = liveCount
        s.sendsWithin1ms = pacingTotal.within1ms
        s.sendsLate = pacingTotal.count - pacingTotal.within1ms
        s.maxSendLatenessMicroseconds = pacingTotal.maxMicroseconds
        published.store(s)
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
