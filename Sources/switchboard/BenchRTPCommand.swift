// `switchboard bench rtp`: RTP per-packet cost and how many concurrent echo calls the shared 20 ms media clock
// keeps within 1 ms of schedule. Build with -c release.
import ArgumentParser
import Bridges
import Logging

struct BenchRTPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtp", abstract: "RTP receive+send per packet; concurrent echo calls within 1 ms of pacing.")

    @Option(help: "Comma-separated concurrent echo call counts to try.")
    var calls: String = "100,250,500,750,1000"

    @Option(help: "Seconds measured per call count.")
    var seconds: Double = 5

    func run() async throws {
        var logger = Logger(label: "bench.rtp")
        logger.logLevel = .error
        let ns = MediaBenchmark.perPacketNanoseconds()
        print("RTP per packet (parse, SSRC/seq, jitter buffer in+out, G.711 decode+encode, header): \(String(format: "%.0f", ns)) ns")
        print("calls  packets  within1ms  late   max_tick_late_us  mean_tick_work_us  echoed  cpu_us_per_packet")
        for n in calls.split(separator: ",").compactMap({ Int($0) }) {
            let r = try await MediaBenchmark.echoPacing(calls: n, seconds: seconds, logger: logger)
            let pct = r.packetsSent == 0 ? 0 : 100 * Double(r.packetsWithin1ms) / Double(r.packetsSent)
            print(
                "\(n)  \(r.packetsSent)  \(String(format: "%.2f", pct))%  \(r.packetsLate)  \(r.maxTickLatenessMicroseconds)  "
                    + "\(String(format: "%.0f", r.meanTickWorkMicroseconds))  \(r.packetsEchoedBack)  "
                    + "\(String(format: "%.2f", r.cpuMicrosecondsPerPacket))")
        }
    }
}
