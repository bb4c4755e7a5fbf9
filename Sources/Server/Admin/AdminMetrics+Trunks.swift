// Admin metrics and health from the trunk registrar (issue 15): `switchboard_trunk_registered{trunk}` (1 while
// registered), `switchboard_trunk_registrations_total{trunk,result}` (attempt sequences that succeeded or
// failed), sampled at each scrape; and the /healthz text while a trunk is down.
import Prometheus

extension AdminMetrics {
    public func observe(trunks: @escaping @Sendable () -> [TrunkStatus]) {
        let registry = self.registry
        let series = LockedBox<[String: (up: Gauge, ok: DeltaCounter, failed: DeltaCounter)]>([:])
        addScrapeSource {
            for status in trunks() {
                let metrics = series.withLock { known in
                    if let existing = known[status.name] { return existing }
                    let made = (
                        up: registry.makeGauge(
                            descriptor: Self.name("trunk_registered", "", "1 while the trunk is registered."),
                            labels: [("trunk", status.name)]),
                        ok: DeltaCounter(
                            registry.makeCounter(
                                descriptor: Self.name("trunk_registrations", "total", "Trunk registrations by result."),
                                labels: [("trunk", status.name), ("result", "ok")])),
                        failed: DeltaCounter(
                            registry.makeCounter(
                                descriptor: Self.name("trunk_registrations", "total", "Trunk registrations by result."),
                                labels: [("trunk", status.name), ("result", "failed")]))
                    )
                    known[status.name] = made
                    return made
                }
                metrics.up.set(Double(status.up ? 1 : 0))
                metrics.ok.advance(to: UInt64(status.successes))
                metrics.failed.advance(to: UInt64(status.failures))
            }
        }
    }
}

extension TrunkStatus {
    /// nil when every trunk is registered, else one line per trunk that is not.
    public static func health(_ statuses: [TrunkStatus]) -> String? {
        let down = statuses.filter { !$0.up }
        guard !down.isEmpty else { return nil }
        return down.map { status in
            var line = "trunk \(status.name): \(status.state)"
            if status.state == "failed" { line += " (\(status.lastFailureStatus.map(String.init) ?? "no answer"))" }
            return line
        }.joined(separator: "\n")
    }
}
