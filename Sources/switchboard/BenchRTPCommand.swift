// `switchboard bench rtp`: RTP per-packet cost and how many concurrent echo calls the shared 20 ms media clock
// keeps within 1 ms of schedule. Build with -c release.
import ArgumentParser
import Bridges
import Logging

struct BenchRTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtp", abstract: "RTP receive+send per packet; concurrent echo calls within 1 ms of pacing.")

    @Option(help: "Comma-separated concurrent echo call counts to try.")
    var calls: String = "100,300,500,800"

    @Option(help: "Seconds measured per call count.")
    var seconds: Double = 5

    @Option(help: "Run the media loop under SCHED_FIFO at this priority (1-99; needs CAP_SYS_NICE).")
    var realtime: Int32?

    @Option(help: "Concurrent sessions in the in-process session benchmark.")
    var sessionCalls: Int = 50

    @Flag(help: "Only the in-process figures (per packet, session ns/frame), no UDP pacing runs.")
    var sessionOnly = false

    func run() async throws {
        var logger = Logger(label: "bench.rtp")
        logger.logLevel = .error
        let ns = MediaBenchmark.perPacketNanoseconds()
        print("RTP per packet (parse, SSRC/seq, jitter buffer in+out, G.711 decode+encode, header): \(String(format: "%.0f", ns)) ns")
        let echo = try await MediaBenchmark.sessionNanosecondsPerFrame(calls: sessionCalls, handler: { EchoHandler() })
        print("session echo ns/frame (\(sessionCalls) CallMediaSessions, receiveRTP + tick, no syscalls; thread CPU, best of 3): \(String(format: "%.0f", echo)) ns")
        let listen = try await MediaBenchmark.sessionNanosecondsPerFrame(calls: sessionCalls, handler: { ListeningHandler() })
        print("session listen ns/frame (same, a handler that takes frames and sends nothing): \(String(format: "%.0f", listen)) ns")
        let bare = try await MediaBenchmark.sessionNanosecondsPerFrame(
            calls: sessionCalls, inBandDTMF: false, handler: { EchoHandler() })
        print("session echo ns/frame without in-band DTMF detection (the session's own path): \(String(format: "%.0f", bare)) ns")
        if sessionOnly { return }
        print("Pacing: each call sends at its phase + n x 20 ms; lateness of each send (engine, after the syscall)")
        print("and of each echoed packet's arrival at the caller (caller loop, timestamped on receipt), in us.")
        print("calls  sent  within1ms  send_p50  send_p99  send_p99.9  send_max  arrive_p50  arrive_p99  arrive_max  "
            + "echoed  resyncs  mean_slot_work_us  cpu_us_per_packet")
        for n in calls.split(separator: ",").compactMap({ Int($0) }) {
            let r = try await MediaBenchmark.echoPacing(
                calls: n, seconds: seconds, realtimePriority: realtime, logger: logger)
            let s = r.sends
            let pct = s.count == 0 ? 0 : 100 * Double(s.within1ms) / Double(s.count)
            let a = r.arrivals
            print(
                "\(n)  \(s.count)  \(String(format: "%.2f", pct))%  \(s.percentileMicroseconds(0.5))  "
                    + "\(s.percentileMicroseconds(0.99))  \(s.percentileMicroseconds(0.999))  \(s.maxMicroseconds)  "
                    + "\(a.percentileMicroseconds(0.5))  \(a.percentileMicroseconds(0.99))  \(a.maxMicroseconds)  "
                    + "\(r.packetsEchoedBack)  \(r.resyncs)  \(String(format: "%.0f", r.meanTickWorkMicroseconds))  "
                    + "\(String(format: "%.2f", r.cpuMicrosecondsPerPacket))")
        }
    }
}
