// `switchboard bench rtp`'s "session ns/frame" figures: the whole per-call media path of a real
// `CallMediaSession` (parse, SSRC/sequence bookkeeping, jitter buffer, decode, concealment, in-band DTMF, the
// handler, encode, header) driven on a virtual 20 ms clock with no syscalls: outbound packets are dropped.
import Audio
import NIOCore
import NIOPosix
import RTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension MediaBenchmark {
    /// Per-frame cost of `calls` concurrent sessions: each virtual 20 ms step every call receives one
    /// 160-byte PCMU datagram (`receiveRTP`) and then every call ticks (as the media engine does), sending its
    /// packet nowhere. `handler` is made once per call (e.g. `EchoHandler`, or a listening flow handler).
    /// Returns nanoseconds of the media thread's CPU time per frame (one packet in + one tick), so that a busy
    /// machine (preemption) does not inflate the figure; the best of `repeats` runs. `inBandDTMF: false` leaves
    /// the Goertzel detector out (the session's own cost, apart from the DSP).
    public static func sessionNanosecondsPerFrame(
        calls: Int = 50, frames: Int = 2000, repeats: Int = 3, inBandDTMF: Bool = true, handler makeHandler: @escaping @Sendable () -> any CallMediaHandler
    ) async throws -> Double {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let result: Result<Double, any Error>
        do {
            let channel = try await DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: 0).get()
            do {
                result = .success(
                    try await loop.submit { () throws -> Double in
                        var best = Double.infinity
                        for _ in 0..<max(1, repeats) {
                            best = min(
                                best,
                                try runSessions(
                                    channel: channel, calls: max(1, calls), frames: max(1, frames),
                                    inBandDTMF: inBandDTMF, makeHandler: makeHandler))
                        }
                        return best
                    }.get())
            } catch {
                result = .failure(error)
            }
            try? await channel.close()
        } catch {
            result = .failure(error)
        }
        try? await group.shutdownGracefully()
        return try result.get()
    }

    private static func runSessions(
        channel: any Channel, calls: Int, frames: Int, inBandDTMF: Bool, makeHandler: () -> any CallMediaHandler
    ) throws -> Double {
        let media = NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101)
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        var sessions: [CallMediaSession] = []
        for i in 0..<calls {
            let session = CallMediaSession(
                callID: "bench-\(i)", eventLoop: channel.eventLoop, rtpChannel: channel, rtcpChannel: nil,
                discardsOutput: true, localPort: 0, jitter: (20, 200), logger: .init(label: "bench.session"))
            try session.activate(media: media, remote: remote, handler: makeHandler(), nowNanos: 0)
            if !inBandDTMF { session.dtmfDetector = nil }
            sessions.append(session)
        }
        // A speech-like payload (a 300 Hz tone at −20 dBm0, µ-law), so decode/DTMF/VAD see real audio.
        var payload = [UInt8](repeating: 0xFF, count: 160)
        for i in 0..<160 {
            let s = 3000 * sin(2 * Double.pi * 300 * Double(i) / 8000)
            payload[i] = G711.ulaw.encode(Int16(s))
        }
        var datagram = channel.allocator.buffer(capacity: 172)
        datagram.writeBytes((try? RTPPacket(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 7, payload: payload)
            .serialized()) ?? [])
        let warmUp = min(100, frames)
        var start = threadCPUNanoseconds()
        for step in 0..<(frames + warmUp) {
            if step == warmUp { start = threadCPUNanoseconds() }
            let now = UInt64(step) * 20_000_000
            let seq = UInt16(truncatingIfNeeded: step)
            datagram.setInteger(seq, at: 2)
            datagram.setInteger(UInt32(truncatingIfNeeded: step * 160), at: 4)
            for session in sessions { session.receiveRTP(datagram, from: remote, nowNanos: now + 1_000_000) }
            for session in sessions { _ = session.tick(nowNanos: now + 10_000_000) }
        }
        let elapsed = threadCPUNanoseconds() - start
        for session in sessions { session.end(reason: .completed) }
        return Double(elapsed) / Double(frames * calls)
    }

    /// CPU time of the calling thread (not wall time: unaffected by other processes' load).
    static func threadCPUNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// Takes every caller frame (including catch-up frames) and sends nothing: the session's cost for a call
/// that only listens (comfort silence goes out), without any flow logic on top.
public final class ListeningHandler: CallMediaHandler {
    public private(set) var frames = 0
    public init() {}
    public var processesExtraMedia: Bool { true }
    public func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        frames &+= Int(samples[0] & 1) + 1
    }
    public func extraMediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        frames &+= 1
    }
}
