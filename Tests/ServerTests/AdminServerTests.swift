import CallLog
import Foundation
import Testing

@testable import Server
import SwitchboardTestKit
import SwitchboardCore

@Suite(.tags(.integration)) struct AdminServerTests {
    @Test func healthReadinessCallsAndReloadOverRealHTTP() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let writer = try CallLogWriter(path: folder.path("log.db"))
        let metrics = AdminMetrics()
        metrics.observe(callLogStatistics: { [writer] in
            let stats = writer.statistics
            return (stats.queueDepth, stats.dropped, stats.failed)
        })
        let sink = MeteredCallLogSink(base: writer, metrics: metrics)
        let done = CallStarted.newCallID()
        sink.write(sampleCall(done, flow: "billing", reason: .transferred))
        sink.write(sampleCall(flow: "support"))
        let live = CallStarted.newCallID()
        sink.write(Array(sampleCall(live).dropLast()))
        await writer.flush()

        let server = try AdminServer(
            configuration: .init(host: "127.0.0.1", port: 0), store: writer.store, metrics: metrics,
            reloadFlows: { FlowReloadResult(ok: true, flows: ["support", "billing"]) })
        let admin = try await RunningAdmin.start(server)
        #expect(admin.port > 0)

        #expect(try await admin.request("/healthz").status == 200)
        #expect(try await admin.request("/readyz").status == 503)
        server.setReady(true)
        #expect(try await admin.request("/readyz").status == 200)

        let list = try await admin.request("/calls")
        #expect(list.status == 200)
        #expect(list.header("content-type") == "application/json")
        let calls = try CallLogStore.jsonDecoder().decode([CallSummary].self, from: Data(list.body.utf8))
        #expect(calls.count == 3)
        let billing = try await admin.request("/calls?flow=billing&outcome=transferred&since=1h&limit=5")
        let filtered = try CallLogStore.jsonDecoder().decode([CallSummary].self, from: Data(billing.body.utf8))
        #expect(filtered.map(\.id) == [done])
        let liveOnly = try await admin.request("/calls?outcome=live")
        #expect(try CallLogStore.jsonDecoder().decode([CallSummary].self, from: Data(liveOnly.body.utf8)).map(\.id) == [live])
        #expect(try await admin.request("/calls?since=yesterday").status == 400)
        #expect(try await admin.request("/calls?limit=0").status == 400)

        let show = try await admin.request("/calls/\(done)")
        #expect(show.status == 200)
        let detail = try CallLogStore.jsonDecoder().decode(CallDetail.self, from: Data(show.body.utf8))
        #expect(detail.call.endReason == "transferred")
        #expect(detail.turns.map(\.transcript) == ["hi", "hello"])
        #expect(detail.toolCalls.first?.error == "not found")
        #expect(detail.modelRequests.first?.ttfaMs == 410)
        #expect(try await admin.request("/calls/\(String(done.prefix(8)))").status == 200)
        let missing = try await admin.request("/calls/\(CallStarted.newCallID())")
        #expect(missing.status == 404)
        #expect(missing.body.contains("\"error\""))
        #expect(try await admin.request("/nope").status == 404)

        let reload = try await admin.request(.POST, "/flows/reload")
        #expect(reload.status == 200)
        let result = try JSONDecoder().decode(FlowReloadResult.self, from: Data(reload.body.utf8))
        #expect(result == FlowReloadResult(ok: true, flows: ["support", "billing"]))

        let text = try await admin.request("/metrics")
        #expect(text.status == 200)
        #expect(text.header("content-type")?.hasPrefix("text/plain") == true)
        #expect(text.body.contains("switchboard_calls_active 1"))
        #expect(text.body.contains(#"switchboard_calls_total{outcome="transferred"} 1"#))
        #expect(text.body.contains(#"switchboard_calls_total{outcome="completed"} 1"#))
        #expect(text.body.contains(#"switchboard_tool_errors_total{tool="lookup_account"} 3"#))
        #expect(text.body.contains(#"switchboard_model_ttfa_seconds_bucket{le="0.5"} 3"#))
        #expect(text.body.contains(#"switchboard_model_ttfb_seconds_count 3"#))
        #expect(text.body.contains("switchboard_calllog_queue_depth 0"))
        #expect(text.body.contains("switchboard_rtp_packets_lost_total 0"))
        metrics.rtp(lost: 4, late: 2)
        let after = try await admin.request("/metrics").body
        #expect(after.contains("switchboard_rtp_packets_lost_total 4"))
        #expect(after.contains("switchboard_rtp_packets_late_total 2"))

        await admin.stop()
        await writer.close()
    }

    @Test func bearerTokenIsEnforcedExceptOnProbes() async throws {
        let token = "t0ken-for-tests-0123456789"
        let server = try AdminServer(
            configuration: .init(host: "127.0.0.1", port: 0, bearerToken: token), store: nil,
            reloadFlows: { FlowReloadResult(ok: false, errors: ["flows/support.yaml:3:5: unknown step 'x'"]) })
        let admin = try await RunningAdmin.start(server)
        let denied = try await admin.request("/metrics")
        #expect(denied.status == 401)
        #expect(denied.header("www-authenticate")?.hasPrefix("Bearer") == true)
        #expect(try await admin.request("/calls").status == 401)
        #expect(try await admin.request("/calls/abcd").status == 401)
        #expect(try await admin.request(.POST, "/flows/reload").status == 401)
        #expect(try await admin.request("/metrics", token: "wrong").status == 401)
        #expect(try await admin.request("/metrics", token: token + "x").status == 401)
        #expect(try await admin.request("/healthz").status == 200)
        #expect(try await admin.request("/readyz").status == 503)
        #expect(try await admin.request("/metrics", token: token).status == 200)
        #expect(try await admin.request("/calls", token: token).status == 503, "no store configured")
        let reload = try await admin.request(.POST, "/flows/reload", token: token)
        #expect(reload.status == 422)
        #expect(reload.body.contains("unknown step"))
        await admin.stop()
    }

    @Test func refusesToListenBeyondLoopbackWithoutToken() throws {
        for host in ["0.0.0.0", "192.168.1.10", "::"] {
            #expect(throws: AdminServerError.self) {
                _ = try AdminServer(configuration: .init(host: host, port: 0), store: nil)
            }
            #expect(throws: AdminServerError.self) {
                _ = try AdminServer(configuration: .init(host: host, port: 0, bearerToken: "short"), store: nil)
            }
            _ = try AdminServer(configuration: .init(host: host, port: 0, bearerToken: String(repeating: "k", count: 32)), store: nil)
        }
        for host in ["127.0.0.1", "localhost", "::1"] {
            _ = try AdminServer(configuration: .init(host: host, port: 0), store: nil)
        }
    }

    @Test func listenAddressParsing() throws {
        #expect(try AdminServerConfiguration(listen: "127.0.0.1:8089") == .init(host: "127.0.0.1", port: 8089))
        #expect(try AdminServerConfiguration(listen: ":9000") == .init(host: "127.0.0.1", port: 9000))
        #expect(try AdminServerConfiguration(listen: "[::1]:9001") == .init(host: "::1", port: 9001))
        #expect(try AdminServerConfiguration(listen: "0.0.0.0:80").isLoopback == false)
        #expect(throws: AdminServerError.self) { try AdminServerConfiguration(listen: "localhost") }
        #expect(throws: AdminServerError.self) { try AdminServerConfiguration(listen: "host:99999") }
    }

    @Test func constantTimeCompare() {
        #expect(ConstantTime.equal("abc", "abc"))
        #expect(!ConstantTime.equal("abc", "abd"))
        #expect(!ConstantTime.equal("abc", "abcd"))
        #expect(!ConstantTime.equal("", "a"))
    }
}
