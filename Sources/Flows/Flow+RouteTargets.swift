// Flows: one source for transfer routes — the flow names its routes (with hours and overflow); a deployment's
// configuration (`routes:` in switchboard.yaml) may replace the URI of a route the flow names.

extension Flow {
    /// This flow with the URIs of its routes replaced by `targets` (route name → URI) where a name matches.
    /// Names the flow does not declare are ignored (a flow only transfers to routes it names).
    public func overridingRouteTargets(_ targets: [String: String]) -> Flow {
        guard !targets.isEmpty else { return self }
        var flow = self
        for (name, uri) in targets where flow.routes[name] != nil {
            let trimmed = uri.trimmingSpaces()
            if !trimmed.isEmpty { flow.routes[name]?.uri = trimmed }
        }
        return flow
    }
}
