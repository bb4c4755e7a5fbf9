import NIOCore
import NIOPosix
import RTP

/// The far ends of `MediaBenchmark.echoPacing`: one UDP socket per call on their OWN event loop (its own
/// thread), each sending a 20 ms PCMU packet on its own phase of the cycle (callers start at different
/// moments, as real ones do) from one absolute-deadline clock, and timestamping every echoed packet on receipt.
final class BenchCallers: @unchecked Sendable {
    let loop: any EventLoop
    private(set) var channels: [any Channel] = []
    private(set) var ports: [Int] = []
    private var targets: [SocketAddress?] = []
    private var senders: [RTPSender] = []
    private var task: Scheduled<Void>?
    private var nextDeadline: NIODeadline = .now()
    private var phase = 0
    private var sending = false
    private let receivers: [Receiver]

    static let phaseCount = 40

    /// Counts echoed packets; while recording, keeps `arrival − n × 20 ms` of each (n from the RTP
    /// timestamp), so the spread of arrivals around each call's own schedule can be computed afterwards.
    final class Receiver: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        var count: UInt64 = 0
        var recording = false
        var offsets: [Int64] = []
        private var firstTimestamp: UInt32?

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let now = Int64(NIODeadline.now().uptimeNanoseconds)
            let envelope = unwrapInboundIn(data)
            guard envelope.data.readableBytes == 172 else { return }  // RTCP from the engine is not an echo
            count += 1
            guard recording else { return }
            let header: RTPHeader? = envelope.data.withUnsafeReadableBytes { try? RTPHeader.parse($0) }
            // Only the echo's PCMU; the engine's RTCP goes to port + 1, which may be another caller's socket.
            guard let header, header.payloadType == 0 else { return }
            let first = firstTimestamp ?? header.timestamp
            firstTimestamp = first
            let n = Int64(Int32(bitPattern: header.timestamp &- first)) / 160
            offsets.append(now - n * 20_000_000)
        }

        func startRecording(capacity: Int) {
            offsets.reserveCapacity(capacity)
            firstTimestamp = nil
            recording = true
        }
    }

    private init(loop: any EventLoop, count: Int) {
        self.loop = loop
        receivers = (0..<count).map { _ in Receiver() }
    }

    static func start(on loop: any EventLoop, count: Int) async throws -> BenchCallers {
        let callers = BenchCallers(loop: loop, count: count)
        for i in 0..<count {
            let receiver = callers.receivers[i]
            let channel = try await DatagramBootstrap(group: loop)
                .channelOption(.maxMessagesPerRead, value: 1)
                .channelOption(.datagramVectorReadMessageCount, value: 8)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 8 * 2048))
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(receiver) }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            callers.channels.append(channel)
            callers.ports.append(channel.localAddress?.port ?? 0)
            callers.targets.append(nil)
            callers.senders.append(RTPSender(ssrc: UInt32(i + 1), sequenceNumber: 0, timestamp: 0))
        }
        return callers
    }

    func setTarget(_ index: Int, port: Int) {
        let address = try? SocketAddress(ipAddress: "127.0.0.1", port: port)
        loop.execute { self.targets[index] = address }
    }

    func startSending() {
        loop.execute {
            self.sending = true
            self.nextDeadline = .now() + .microseconds(500)
            self.schedule()
        }
    }

    private func schedule() {
        task = loop.scheduleTask(deadline: nextDeadline) { [self] in
            guard sending else { return }
            while nextDeadline <= .now() {
                sendPhase(phase)
                phase = (phase + 1) % Self.phaseCount
                nextDeadline = nextDeadline + .microseconds(500)
            }
            schedule()
        }
    }

    private func sendPhase(_ phase: Int) {
        for i in stride(from: phase, to: channels.count, by: Self.phaseCount) {
            guard let target = targets[i] else { continue }
            let channel = channels[i]
            var buffer = channel.allocator.buffer(capacity: 172)
            let header = senders[i].nextMediaHeader(payloadType: 0, samples: 160, payloadLength: 160)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 172) { out in
                let n = header.writeFixed(into: out)
                for j in n..<(n + 160) { out[j] = UInt8(truncatingIfNeeded: j &* 7) }
                return n + 160
            }
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: buffer), promise: nil)
        }
    }

    func stopSending() {
        loop.execute {
            self.sending = false
            self.task?.cancel()
        }
    }

    func received() async throws -> UInt64 {
        try await loop.submit { self.receivers.reduce(0) { $0 + $1.count } }.get()
    }

    /// Starts keeping arrival offsets (for `arrivalSpread()`).
    func startRecording(seconds: Double) async throws {
        try await loop.submit {
            for r in self.receivers { r.startRecording(capacity: Int(seconds * 55)) }
        }.get()
    }

    /// Arrival of each echoed packet relative to its call's schedule, as the callers saw it: per call the
    /// earliest `arrival − n × 20 ms` is the baseline (best-case path), lateness is the distance from it.
    func arrivalSpread() async throws -> PacingHistogram {
        try await loop.submit {
            var histogram = PacingHistogram()
            for r in self.receivers {
                r.recording = false
                guard let base = r.offsets.min() else { continue }
                for o in r.offsets { histogram.record(latenessNanoseconds: o - base) }
            }
            return histogram
        }.get()
    }

    func close() async throws {
        for c in channels { try? await c.close() }
    }
}
