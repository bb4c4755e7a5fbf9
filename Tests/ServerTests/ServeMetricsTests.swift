// /metrics of a running Switchboard (SwitchboardService in this process, real SIP/RTP sockets, the admin API over
// real HTTP): RTP loss and lateness from the media engine, calls by outcome from the call log, and every metric
// family issue 7 asks for.
import CallLog
import Foundation
import Logging
import Server
import Testing
import SwitchboardTestKit

@Suite("serve: /metrics", .tags(.integration), .serialized)
struct ServeMetricsTests {
    static func configuration(_ folder: TempFolder) throws -> SwitchboardConfiguration {
        try FileManager.default.createDirectory(atPath: folder.path("flows"), withIntermediateDirectories: true)
        try ServeCrashTests.holdFlow.write(toFile: folder.path("flows/hold.yaml"), atomically: true, encoding: .utf8)
        var configuration = try FlowCallTestService.configuration(
            flowsDir: folder.path("flows"), numbers: ["*": "hold.yaml"], in: folder)
        configuration.sip.codecs = ["pcmu"]
        configuration.admin.listen = "127.0.0.1:0"
        return configuration
    }

    /// The value of one sample line (`name{labels} value`), or nil when it is not in the exposition.
    static func value(_ sample: String, in text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    @Test(.timeLimit(.minutes(1)))
    func rtpLossAndLatenessAndCallOutcomesOnMetrics() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        var logger = Logger(label: "test.serve-metrics")
        logger.logLevel = .warning
        let service = try await SwitchboardService.start(
            configuration: try Self.configuration(folder), environment: [:], logger: logger)
        do {
            try await check(service)
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
    }

    func check(_ service: SwitchboardService) async throws {
        let port = try #require(await service.admin?.listeningPort())
        let admin = AdminHTTPClient(port: port)
        let phone = try SIPTestPhone(serverPort: service.sipPort)

        // An echo call whose RTP has gaps: 60 packets, every sixth one (10) held back, one of them sent at the
        // end when its play-out time is long past (late); the rest paced at 20 ms.
        let echo = try phone.call(user: "echo", callID: "metrics-echo-\(UUID().uuidString)", caller: "+15550300001")
        let silence = [UInt8](repeating: 0xFF, count: 160)
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<60 where i % 6 != 3 {
            try await clock.sleep(until: start + .milliseconds(20 * i))
            phone.sendRTP(
                echo, sequence: UInt16(1000 + i), timestamp: UInt32(160 * i), ssrc: 0x5EED, payload: silence, marker: i == 0)
        }
        try await Task.sleep(for: .milliseconds(300))
        phone.sendRTP(echo, sequence: 1003, timestamp: 160 * 3, ssrc: 0x5EED, payload: silence)

        // And a flow call that the caller ends: one call by outcome in the call log's metrics.
        let held = try phone.call(user: "hold", callID: "metrics-hold-\(UUID().uuidString)", caller: "+15550300002")
        try await Task.sleep(for: .milliseconds(500))
        try phone.hangUp(held)

        var text = ""
        let deadline = clock.now + .seconds(10)
        while clock.now < deadline {
            let response = try await admin.request("/metrics")
            #expect(response.status == 200)
            text = response.body
            let lost = Self.value("switchboard_rtp_packets_lost_total", in: text) ?? 0
            let late = Self.value("switchboard_rtp_packets_late_total", in: text) ?? 0
            let ended = Self.value(#"switchboard_calls_total{outcome="caller_hangup"}"#, in: text) ?? 0
            if lost >= 9 && late >= 1 && ended >= 1 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        // 10 held back, 1 of them arriving late (it counts as received, RFC 3550): 9 or 10 lost.
        let lost = try #require(Self.value("switchboard_rtp_packets_lost_total", in: text))
        #expect((9...10).contains(lost), "\(text)")
        #expect(Self.value("switchboard_rtp_packets_late_total", in: text) ?? 0 >= 1)
        #expect(Self.value("switchboard_rtp_packets_received_total", in: text) ?? 0 >= 50)
        #expect(Self.value("switchboard_rtp_packets_sent_total", in: text) ?? 0 >= 25)
        #expect(Self.value(#"switchboard_calls_total{outcome="caller_hangup"}"#, in: text) == 1)
        #expect(Self.value(#"switchboard_sip_calls_total{event="answered"}"#, in: text) ?? 0 >= 2)
        #expect(Self.value("switchboard_sip_datagrams_total", in: text) ?? 0 >= 4)
        // Every family issue 7 lists is exposed.
        for family in [
            "switchboard_calls_active", "switchboard_calls_total", "switchboard_model_ttfb_seconds_bucket",
            "switchboard_model_ttfa_seconds_bucket", "switchboard_rtp_packets_lost_total",
            "switchboard_rtp_packets_late_total", "switchboard_calllog_queue_depth", "switchboard_tool_errors_total",
            "switchboard_model_request_errors_total",
        ] {
            #expect(text.contains("\n\(family)") || text.hasPrefix(family), "\(family) missing from /metrics")
        }
        try phone.hangUp(echo)
    }
}
