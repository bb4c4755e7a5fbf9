// AdminMetrics fed from cumulative snapshots: each scrape adds the growth since the last one, a total that went
// down (its source restarted) counts from zero again, and labelled families exist from the first scrape.
import Bridges
import Foundation
import Server
import Synchronization
import Testing

@Suite struct AdminMetricsTests {
    final class Source: Sendable {
        let rtp = Mutex(AdminMetrics.RTPCounters())
        let sip = Mutex(SIPBridge.Statistics())
    }

    static func value(_ sample: String, in text: String) -> Double? {
        ServeMetricsTests.value(sample, in: text)
    }

    @Test func scrapesAddTheGrowthOfCumulativeTotals() {
        let metrics = AdminMetrics()
        let source = Source()
        metrics.observe(mediaStatistics: { source.rtp.withLock { $0 } })
        metrics.observe(sipStatistics: { source.sip.withLock { $0 } })

        var text = metrics.render()
        #expect(Self.value("switchboard_rtp_packets_lost_total", in: text) == 0)
        #expect(Self.value(#"switchboard_calls_total{outcome="interrupted"}"#, in: text) == 0)
        #expect(Self.value(#"switchboard_tool_errors_total{tool="lookup_account"}"#, in: text) == 0)
        #expect(Self.value("switchboard_model_request_errors_total", in: text) == 0)

        source.rtp.withLock {
            $0.lost = 5
            $0.late = 2
            $0.malformed = 1
        }
        source.sip.withLock {
            $0.datagramsReceived = 40
            $0.callsAnswered = 3
            $0.badInput = ["garbage": 4]
            $0.activeCalls = 2
        }
        text = metrics.render()
        #expect(Self.value("switchboard_rtp_packets_lost_total", in: text) == 5)
        #expect(Self.value("switchboard_rtp_packets_late_total", in: text) == 2)
        #expect(Self.value(#"switchboard_rtp_packets_dropped_total{reason="malformed"}"#, in: text) == 1)
        #expect(Self.value("switchboard_sip_datagrams_total", in: text) == 40)
        #expect(Self.value(#"switchboard_sip_calls_total{event="answered"}"#, in: text) == 3)
        #expect(Self.value(#"switchboard_sip_bad_input_total{kind="garbage"}"#, in: text) == 4)
        #expect(Self.value("switchboard_sip_active_calls", in: text) == 2)

        // A scrape without growth adds nothing; growth adds only the difference.
        text = metrics.render()
        #expect(Self.value("switchboard_rtp_packets_lost_total", in: text) == 5)
        source.rtp.withLock { $0.lost = 12 }
        source.sip.withLock { $0.badInput = ["garbage": 6, "oversize": 1] }
        text = metrics.render()
        #expect(Self.value("switchboard_rtp_packets_lost_total", in: text) == 12)
        #expect(Self.value(#"switchboard_sip_bad_input_total{kind="garbage"}"#, in: text) == 6)
        #expect(Self.value(#"switchboard_sip_bad_input_total{kind="oversize"}"#, in: text) == 1)

        // The source restarted (totals went down): its new total is new growth.
        source.rtp.withLock { $0.lost = 3 }
        text = metrics.render()
        #expect(Self.value("switchboard_rtp_packets_lost_total", in: text) == 15)

        // The push API still adds on top.
        metrics.rtp(lost: 1, late: 1)
        text = metrics.render()
        #expect(Self.value("switchboard_rtp_packets_lost_total", in: text) == 16)
        #expect(Self.value("switchboard_rtp_packets_late_total", in: text) == 3)
    }
}
