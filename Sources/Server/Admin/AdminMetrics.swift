// Admin side of Server: the Prometheus registry and the Switchboard metrics served on `GET /metrics`.
// Libraries never bootstrap MetricsSystem; the executable may hand `registry` to
// `PrometheusMetricsFactory(registry:)` so swift-metrics users land in the same output.
public import Prometheus

public final class AdminMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let activeCalls: Gauge
    public let modelTTFB: DurationHistogram
    public let modelTTFA: DurationHistogram
    public let rtpPacketsLost: Counter
    public let rtpPacketsLate: Counter
    public let callLogQueueDepth: Gauge
    private let callLogDropped: Counter
    private let callLogFailed: Counter
    private let sources = LockedBox<[@Sendable () -> Void]>([])

    static let latencyBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(500),
        .milliseconds(750), .seconds(1), .milliseconds(1500), .seconds(2), .seconds(3), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        activeCalls = registry.makeGauge(descriptor: Self.name("calls_active", "", "Calls in progress."))
        modelTTFB = registry.makeDurationHistogram(
            descriptor: Self.name("model_ttfb", "seconds", "Model request: time to first byte."),
            buckets: Self.latencyBuckets)
        modelTTFA = registry.makeDurationHistogram(
            descriptor: Self.name("model_ttfa", "seconds", "Model request: time to first audio."),
            buckets: Self.latencyBuckets)
        rtpPacketsLost = registry.makeCounter(descriptor: Self.name("rtp_packets_lost", "total", "RTP packets lost."))
        rtpPacketsLate = registry.makeCounter(
            descriptor: Self.name("rtp_packets_late", "total", "RTP packets that arrived too late to play."))
        callLogQueueDepth = registry.makeGauge(
            descriptor: Self.name("calllog_queue_depth", "", "Call-log records waiting for the writer."))
        callLogDropped = registry.makeCounter(
            descriptor: Self.name("calllog_records_dropped", "total", "Call-log records refused (queue full or closed)."))
        callLogFailed = registry.makeCounter(
            descriptor: Self.name("calllog_records_failed", "total", "Call-log records not written (unknown call, database error)."))
        // Labelled families exist from the first scrape (at 0) for the usual label values; others appear when used.
        for outcome in ["completed", "caller_hangup", "bot_hangup", "transferred", "error", "timeout", "interrupted"] {
            _ = callsTotal(outcome: outcome)
        }
        for tool in ["lookup_account", "verify_caller", "transfer_call", "end_call"] {
            _ = toolErrors(tool: tool)
        }
        _ = modelRequestErrors()
    }

    private func callsTotal(outcome: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("calls", "total", "Finished calls by outcome (end reason)."), labels: [("outcome", outcome)])
    }

    private func toolErrors(tool: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("tool_errors", "total", "Tool calls that returned an error."), labels: [("tool", tool)])
    }

    private func modelRequestErrors() -> Counter {
        registry.makeCounter(descriptor: Self.name("model_request_errors", "total", "Model requests that failed."))
    }

    public func callStarted() {
        activeCalls.increment()
    }

    public func callEnded(outcome: String) {
        activeCalls.decrement()
        callsTotal(outcome: outcome).increment()
    }

    public func modelRequest(ttfb: Duration?, ttfa: Duration?, failed: Bool) {
        if let ttfb { modelTTFB.record(ttfb) }
        if let ttfa { modelTTFA.record(ttfa) }
        if failed { modelRequestErrors().increment() }
    }

    public func toolError(tool: String) {
        toolErrors(tool: tool).increment()
    }

    /// Adds RTP losses directly (a media layer without cumulative totals); `observe(mediaStatistics:)` is the
    /// usual feed.
    public func rtp(lost: Int, late: Int) {
        if lost > 0 { rtpPacketsLost.increment(by: Int64(lost)) }
        if late > 0 { rtpPacketsLate.increment(by: Int64(late)) }
    }

    /// Registers a closure run before every scrape (to copy a current value into a gauge).
    public func addScrapeSource(_ source: @escaping @Sendable () -> Void) {
        sources.withLock { $0.append(source) }
    }

    /// Samples the writer's queue depth and drop/failure counts at every scrape.
    public func observe(callLogStatistics: @escaping @Sendable () -> (queueDepth: Int, dropped: UInt64, failed: UInt64)) {
        let dropped = DeltaCounter(callLogDropped)
        let failed = DeltaCounter(callLogFailed)
        addScrapeSource { [callLogQueueDepth] in
            let now = callLogStatistics()
            callLogQueueDepth.set(Double(now.queueDepth))
            dropped.advance(to: now.dropped)
            failed.advance(to: now.failed)
        }
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        for source in sources.withLock({ $0 }) { source() }
        return registry.emitToString()
    }

    static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "switchboard", metricName: metric, unitName: unit, helpText: help)
    }
}
