import Audio
public import Logging
import NIOCore
import NIOPosix
import RTP

#if canImport(Glibc)
    import Glibc
#endif

/// Measurements behind `switchboard bench rtp` (run with -c release).
public enum MediaBenchmark {
    /// CPU cost of the pure per-packet path (parse, SSRC/sequence bookkeeping, jitter buffer in/out, G.711
    /// decode, echo encode, header write) without the syscalls. Returns nanoseconds per packet.
    public static func perPacketNanoseconds(iterations: Int = 1_000_000) -> Double {
        let payload = [UInt8](repeating: 0x55, count: 160)
        var datagram = (try? RTPPacket(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 7, payload: payload)
            .serialized()) ?? []
        var receiver = RTPReceiver(clockRate: 8000)
        var jb = JitterBuffer()
        var sender = RTPSender(ssrc: 9, sequenceNumber: 0, timestamp: 0)
        var pcm = [Int16](repeating: 0, count: 160)
        var out = [UInt8](repeating: 0, count: 200)
        var sink = 0
        let start = NIODeadline.now()
        for i in 0..<iterations {
            let seq = UInt16(truncatingIfNeeded: i)
            datagram[2] = UInt8(seq >> 8)
            datagram[3] = UInt8(truncatingIfNeeded: seq)
            datagram.withUnsafeBytes { raw in
                guard let h = try? RTPHeader.parse(raw),
                    case .accepted(let ext, _) = receiver.received(h, arrivalNanos: UInt64(i) * 20_000_000)
                else { return }
                jb.insert(
                    sequence: ext, timestamp: h.timestamp, marker: h.marker,
                    payload: UnsafeRawBufferPointer(rebasing: raw[h.payloadOffset..<(h.payloadOffset + h.payloadLength)]))
            }
            if case .packet(_, _, let p) = jb.pull() {
                p.withUnsafeBufferPointer { src in pcm.withUnsafeMutableBufferPointer { G711.ulaw.decode(src, into: $0) } }
            }
            let header = sender.nextMediaHeader(payloadType: 0, samples: 160, payloadLength: 160)
            out.withUnsafeMutableBytes { o in
                let n = header.writeFixed(into: o)
                pcm.withUnsafeBufferPointer { src in
                    o.withMemoryRebound(to: UInt8.self) { G711.ulaw.encode(src, into: UnsafeMutableBufferPointer(rebasing: $0[n...])) }
                }
            }
            sink &+= Int(out[12])
        }
        let elapsed = (NIODeadline.now() - start).nanoseconds
        if sink == -1 { print("unreachable") }  // keeps the loop's work observable
        return Double(elapsed) / Double(iterations)
    }

    public struct PacingResult: Sendable {
        public var calls: Int
        public var seconds: Double
        /// Engine side: lateness of each outbound packet's write (after the syscall) against its call's
        /// schedule (phase start + n × 20 ms).
        public var sends: PacingHistogram
        /// Clock wake-ups (phase slots served) and how late they were.
        public var ticks: UInt64
        public var maxTickLatenessMicroseconds: Int64
        public var meanTickWorkMicroseconds: Double
        public var resyncs: UInt64
        /// Caller side: arrival of each echoed packet against its call's own schedule (timestamped on receipt).
        public var arrivals: PacingHistogram
        public var packetsEchoedBack: UInt64
        /// Process CPU time (user + system) per RTP packet handled (received + sent, both sides) in µs.
        public var cpuMicrosecondsPerPacket: Double

        public var packetsSent: UInt64 { sends.count }
        public var packetsWithin1ms: UInt64 { sends.within1ms }
    }

    /// Runs `calls` echo calls at 50 packets/s each for `seconds` against the real media engine over UDP on
    /// 127.0.0.1 and reports how late each outbound packet left against its call's schedule. The callers (load
    /// generator) run on their own event loop thread, spread over the 20 ms cycle like independent phones.
    public static func echoPacing(
        calls: Int, seconds: Double, realtimePriority: Int32? = nil, logger: Logger
    ) async throws -> PacingResult {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator())
        let engine = MediaEngine(
            eventLoop: loops[0],
            configuration: .init(
                portRange: 40000...(40000 + UInt16(min(calls, 10000)) * 2 + 200), realtimePriority: realtimePriority),
            logger: logger)
        let callers = try await BenchCallers.start(on: loops[1], count: calls)
        loops[1].execute { MediaThreadTuning.tightenTimerSlack() }
        for i in 0..<calls {
            let session = try await engine.openSession(callID: "bench-\(i)").get()
            let remote = try SocketAddress(ipAddress: "127.0.0.1", port: callers.ports[i])
            try await engine.eventLoop.submit {
                try engine.activate(
                    session, media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101),
                    remote: remote, handler: EchoHandler())
            }.get()
            callers.setTarget(i, port: session.localPort)
        }
        callers.startSending()
        try await Task.sleep(for: .seconds(1))
        _ = try await engine.tickStatistics(reset: true).get()
        try await callers.startRecording(seconds: seconds)
        let received0 = try await callers.received()
        let cpu0 = cpuMicroseconds()
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        let stats = try await engine.tickStatistics().get()
        let arrivals = try await callers.arrivalSpread()
        let received1 = try await callers.received()
        let cpu1 = cpuMicroseconds()
        callers.stopSending()
        try await engine.shutdown().get()
        try await callers.close()
        try await group.shutdownGracefully()
        let packetsHandled = Double(stats.packetsSent) * 2 + Double(received1 - received0) * 2
        return PacingResult(
            calls: calls, seconds: seconds, sends: stats.sends, ticks: stats.ticks,
            maxTickLatenessMicroseconds: stats.maxLatenessMicroseconds,
            meanTickWorkMicroseconds: stats.ticks == 0 ? 0 : Double(stats.totalWorkMicroseconds) / Double(stats.ticks),
            resyncs: stats.resyncs, arrivals: arrivals, packetsEchoedBack: received1 - received0,
            cpuMicrosecondsPerPacket: packetsHandled == 0 ? 0 : Double(cpu1 - cpu0) / packetsHandled)
    }

    static func cpuMicroseconds() -> Int64 {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
            + Int64(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    }
}
