// CallWiring: the tool set of one flow — its declared tools and named routes — as Tools' dispatcher.
public import Flows
public import Foundation
public import Logging
public import Tools

extension ToolDispatcher {
    /// A dispatcher for `flow`'s `tools:` and `routes:`. `routeTargets` (from configuration) overrides a
    /// route's URI by name; `now` decides business hours (the call's clock in a replay).
    public static func forFlow(
        _ flow: Flow, accounts: AccountsDatabase?, routeTargets: [String: String] = [:], webhooks: WebhookCaller?,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "switchboard.tools")
    ) -> ToolDispatcher {
        let routing = RoutingTable.forFlow(flow, routeTargets: routeTargets)
        var registry = ToolRegistry()
        for name in flow.toolOrder {
            guard let declaration = flow.tools[name] else { continue }
            let implementation: ToolDefinition.Implementation
            switch declaration.implementation {
            case .builtin(let builtin):
                guard let tool = Tools.BuiltinTool(rawValue: builtin.rawValue) else { continue }
                implementation = .builtin(tool)
            case .webhook(let hook):
                implementation = .webhook(WebhookConfiguration(
                    url: hook.url, secretEnv: hook.secretEnv, timeout: Double(hook.timeoutMs) / 1000))
            }
            let parameters = (try? Tools.JSONValue.parse(declaration.parameters.jsonText)) ?? .object([:])
            registry.add(ToolDefinition(
                name: name, description: declaration.description, parameters: parameters,
                implementation: implementation))
        }
        return ToolDispatcher(
            registry: registry, builtins: BuiltinTools(accounts: accounts, routing: routing, now: now),
            webhooks: webhooks, logger: logger)
    }
}

extension RoutingTable {
    /// The flow's routes with their business hours; a flow without routes gets the demo table.
    public static func forFlow(_ flow: Flow, routeTargets: [String: String] = [:]) -> RoutingTable {
        guard !flow.routes.isEmpty else { return .demo }
        var routes: [String: Route] = [:]
        for (name, route) in flow.routes {
            let hours = route.hours.flatMap { flow.hours[$0] }.map {
                Tools.BusinessHours(timeZone: $0.timezone, weekMinutes: $0.week, closedDates: $0.holidays)
            }
            routes[name] = Route(target: routeTargets[name] ?? route.uri, hours: hours, overflow: route.overflow)
        }
        return RoutingTable(routes: routes)
    }
}
