// `switchboard bench calllog`: the call-log writer on a temp file. (1) burst: as many records as possible from
// one producer → sustained commit rate (events/s, goal ≥ 20,000) and the cost of `write` on the caller side;
// (2) paced: a steady rate (default 20,000/s) spread over many live calls for a few seconds → `write` latency
// percentiles while the writer commits in the background (the media path must never wait); (3) with
// `--media-calls N`: the media engine's pacing of N echo calls alone, then while the writer takes the paced rate
// in the same process ("media unaffected").
import ArgumentParser
import Bridges
import CallLog
import Foundation
import Logging
import SwitchboardCore

struct BenchCallLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calllog", abstract: "Call-log write rate.")

    @Option(help: "Records in the burst run.")
    var events = 300_000

    @Option(help: "Concurrent calls the records are spread over.")
    var calls = 500

    @Option(help: "Records per second in the paced run.")
    var rate = 20_000

    @Option(help: "Length of the paced run in seconds.")
    var seconds = 3

    @Option(help: "Writer batch size (rows).")
    var batch = 500

    @Option(name: .customLong("interval-ms"), help: "Writer flush interval (ms).")
    var intervalMs = 100

    @Option(name: .customLong("media-calls"), help: "Echo calls whose media pacing is measured alone and under the paced writer (0: skip).")
    var mediaCalls = 0

    @Option(name: .customLong("media-seconds"), help: "Seconds of media measured per run.")
    var mediaSeconds = 5

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-calllog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = CallLogWriter.Configuration(
            flushInterval: .milliseconds(intervalMs), batchSize: batch, maxQueueDepth: max(events * 2, 250_000))
        print("call-log writer: batch \(batch) rows / \(intervalMs) ms, WAL, synchronous=NORMAL, temp file")

        let burstPath = folder.appendingPathComponent("burst.db").path
        let burst = try CallLogWriter(path: burstPath, configuration: configuration)
        try await burstRun(burst)
        await burst.close()

        let pacedPath = folder.appendingPathComponent("paced.db").path
        let paced = try CallLogWriter(path: pacedPath, configuration: configuration)
        try await pacedRun(paced, seconds: seconds)
        await paced.close()

        if mediaCalls > 0 {
            try await mediaRun(path: folder.appendingPathComponent("media.db").path, configuration: configuration)
        }
    }

    /// Media pacing of `mediaCalls` echo calls (real UDP on 127.0.0.1), alone and while the writer takes `rate`.
    private func mediaRun(path: String, configuration: CallLogWriter.Configuration) async throws {
        var logger = Logger(label: "bench.calllog")
        logger.logLevel = .error
        let alone = try await MediaBenchmark.echoPacing(calls: mediaCalls, seconds: Double(mediaSeconds), logger: logger)
        let writer = try CallLogWriter(path: path, configuration: configuration)
        // The writer load covers the media run's 1 s warm-up and its measurement.
        let load = Task { try await pacedRun(writer, seconds: mediaSeconds + 2) }
        let loaded = try await MediaBenchmark.echoPacing(calls: mediaCalls, seconds: Double(mediaSeconds), logger: logger)
        try await load.value
        await writer.close()
        print("\nmedia: \(mediaCalls) echo calls, \(mediaSeconds) s each; lateness of each send against its 20 ms schedule, µs")
        print("run            sent  within1ms  send_p50  send_p99  send_p99.9  send_max  arrive_p99  echoed")
        for (name, r) in [("alone", alone), ("writer \(rate)/s", loaded)] {
            let s = r.sends
            let pct = s.count == 0 ? 0 : 100 * Double(s.within1ms) / Double(s.count)
            print(
                name.padding(toLength: 13, withPad: " ", startingAt: 0)
                    + "  \(s.count)  \(String(format: "%.2f", pct))%  \(s.percentileMicroseconds(0.5))  "
                    + "\(s.percentileMicroseconds(0.99))  \(s.percentileMicroseconds(0.999))  \(s.maxMicroseconds)  "
                    + "\(r.arrivals.percentileMicroseconds(0.99))  \(r.packetsEchoedBack)")
        }
    }

    private func burstRun(_ writer: CallLogWriter) async throws {
        let ids = startCalls(writer, prefix: "burst")
        await writer.flush()
        let before = writer.statistics
        var costs = [UInt64](repeating: 0, count: events)
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<events {
            let record = Self.record(index, callID: ids[index % ids.count])
            let t0 = clock.now
            writer.write(record)
            costs[index] = Self.nanoseconds(clock.now - t0)
        }
        let produced = clock.now - start
        await writer.flush()
        let committedIn = clock.now - start
        let stats = writer.statistics
        let seconds = Self.seconds(committedIn)
        print("\nburst: \(events) records over \(ids.count) calls from one producer")
        print("  enqueued in \(Self.ms(produced)) ms; all committed after \(Self.ms(committedIn)) ms")
        print(String(format: "  sustained commit rate: %.0f records/s", Double(events) / seconds))
        print("  write() on the caller: \(Self.percentiles(&costs))")
        print("  batches: \(stats.batches - before.batches), max queue depth \(stats.maxQueueDepth), dropped \(stats.dropped), failed \(stats.failed)")
        for id in ids { writer.write(.ended(CallEnded(callID: id, at: Date(), reason: .completed))) }
        await writer.flush()
        let size = (try? FileManager.default.attributesOfItem(atPath: writer.path)[.size] as? Int) ?? 0
        print("  database file: \(size / 1024) KiB")
    }

    private func pacedRun(_ writer: CallLogWriter, seconds: Int) async throws {
        let ids = startCalls(writer, prefix: "paced")
        await writer.flush()
        let total = rate * seconds
        var costs = [UInt64](repeating: 0, count: total)
        let clock = ContinuousClock()
        let start = clock.now
        let perTick = max(1, rate / 1000)  // one burst per millisecond
        var index = 0
        var lateTicks = 0
        var maxDepth = 0
        while index < total {
            let due = start + .milliseconds(index / perTick)
            if clock.now < due {
                try await Task.sleep(until: due, clock: clock)
            } else if clock.now - due > .milliseconds(5) {
                lateTicks += 1
            }
            for _ in 0..<perTick where index < total {
                let record = Self.record(index, callID: ids[index % ids.count])
                let t0 = clock.now
                writer.write(record)
                costs[index] = Self.nanoseconds(clock.now - t0)
                index += 1
            }
            if index % 1000 == 0 { maxDepth = max(maxDepth, writer.queueDepth) }
        }
        let produced = clock.now - start
        await writer.flush()
        let lag = clock.now - start - produced
        let stats = writer.statistics
        print("\npaced: \(total) records at \(rate)/s over \(ids.count) calls for \(seconds) s")
        print(String(format: "  achieved %.0f records/s", Double(total) / Self.seconds(produced)) + "; final flush took \(Self.ms(lag)) ms after the last write")
        print("  write() on the caller: \(Self.percentiles(&costs))")
        print("  queue depth sampled max \(maxDepth), writer max \(stats.maxQueueDepth); batches \(stats.batches); dropped \(stats.dropped); producer ticks >5 ms late: \(lateTicks)")
    }

    private func startCalls(_ writer: CallLogWriter, prefix: String) -> [String] {
        (0..<max(1, calls)).map { index in
            let id = "\(prefix)-\(index)-\(CallStarted.newCallID())"
            writer.write(.started(CallStarted(callID: id, at: Date(), caller: "+1555\(index)", callee: "+1555999", bridge: "bench", flow: "bench")))
            return id
        }
    }

    /// A mix close to a real call: mostly timeline events, some turns and model requests.
    static func record(_ index: Int, callID: String) -> CallLogRecord {
        switch index % 20 {
        case 0:
            return .turn(TurnRecord(callID: callID, role: .caller, transcript: "I would like to check my balance please", audioMs: 1800, startedAt: Date()))
        case 10:
            return .modelRequest(ModelRequestRecord(callID: callID, provider: "openai", model: "gpt-4o-mini-audio-preview", status: "ok", startedAt: Date(), ttfbMs: 300, ttfaMs: 480, durationMs: 1600, textInTokens: 800, textOutTokens: 60, audioInTokens: 120, audioOutTokens: 240))
        default:
            return .event(CallEvent(callID: callID, at: Date(), kind: .dtmf, data: ["digit": "5", "duration_ms": 120]))
        }
    }

    static func percentiles(_ values: inout [UInt64]) -> String {
        guard !values.isEmpty else { return "n/a" }
        values.sort()
        func at(_ q: Double) -> UInt64 { values[min(values.count - 1, Int(Double(values.count) * q))] }
        let mean = Double(values.reduce(0, +)) / Double(values.count)
        return String(format: "mean %.0f ns, p50 %llu ns, p99 %llu ns, p99.9 %llu ns, max %.1f µs", mean, at(0.5), at(0.99), at(0.999), Double(values[values.count - 1]) / 1000)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.components.seconds)) * 1_000_000_000 + UInt64(max(0, duration.components.attoseconds) / 1_000_000_000)
    }

    static func ms(_ duration: Duration) -> String {
        String(format: "%.1f", seconds(duration) * 1000)
    }
}
