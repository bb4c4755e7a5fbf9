// CallWiring: the tool set of one flow — its declared tools and named routes — as Tools' dispatcher.
// `serve`, `replay` and `switchboard tools call --flow` all build it here.
public import Flows
public import Foundation
public import Logging
public import Tools
import SwitchboardCore

extension ToolDispatcher {
    /// A dispatcher for `flow`'s `tools:` and `routes:`. `routeTargets` (from configuration) overrides a
    /// route's URI by name; `now` decides business hours (the call's clock in a replay); `limits` are the
    /// per-turn and per-call caps (configuration `tools.limits`).
    public static func forFlow(
        _ flow: Flow, accounts: AccountsDatabase?, routeTargets: [String: String] = [:], webhooks: WebhookCaller?,
        limits: Limits = Limits(), now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "switchboard.tools")
    ) -> ToolDispatcher {
        let routing = RoutingTable.forFlow(flow, routeTargets: routeTargets)
        return ToolDispatcher(
            registry: ToolRegistry.forFlow(flow, routes: routing.routeNames),
            builtins: BuiltinTools(accounts: accounts, routing: routing, now: now), webhooks: webhooks, limits: limits,
            logger: logger)
    }
}

extension ToolRegistry {
    /// The flow's declared tools, in declaration order (see `ToolDefinition.init(_:routes:)`). No checks:
    /// `ToolRegistry.problems(in:)` lists what is wrong with them.
    public static func forFlow(_ flow: Flow, routes: [String]) -> ToolRegistry {
        var registry = ToolRegistry()
        for name in flow.toolOrder {
            guard let declaration = flow.tools[name] else { continue }
            registry.add(ToolDefinition(declaration, routes: routes))
        }
        return registry
    }
}

extension ToolDefinition {
    /// A flow's tool declaration as Tools' definition. A built-in starts from its standard definition
    /// (`ToolDefinition.builtin`, `transfer_call`'s route enum from `routes`); the declaration's name, its
    /// description when not empty and its parameters when they declare properties replace the standard ones.
    /// So a built-in declared without parameters (`{type: object}`, `{}`) is checked against the standard schema.
    /// (Flows' loader fills in a built-in whose `description:`/`parameters:` key is missing from the same
    /// `BuiltinTool` definition, so the dispatcher checks what the model was shown either way.)
    public init(_ declaration: ToolDeclaration, routes: [String]) {
        let parameters: JSONValue? = declaration.parameters
        switch declaration.implementation {
        case .builtin(let tool):
            self = .builtin(tool, routes: routes)
            name = declaration.name
            if !declaration.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { description = declaration.description }
            if let parameters, parameters["properties"]?.objectValue?.isEmpty == false { self.parameters = parameters }
        case .webhook(let hook):
            self.init(
                name: declaration.name, description: declaration.description,
                parameters: parameters ?? .object(["type": "object", "properties": .object([:])]),
                implementation: .webhook(WebhookConfiguration(
                    url: hook.url, secretEnv: hook.secretEnv, timeout: Double(hook.timeoutMs) / 1000)))
        }
    }
}

extension RoutingTable {
    /// The flow's routes with their business hours; a flow without routes gets the demo table.
    public static func forFlow(_ flow: Flow, routeTargets: [String: String] = [:]) -> RoutingTable {
        guard !flow.routes.isEmpty else { return .demo }
        var routes: [String: Route] = [:]
        for (name, route) in flow.routes {
            let hours = route.hours.flatMap { flow.hours[$0] }
            routes[name] = Route(target: routeTargets[name] ?? route.uri, hours: hours, overflow: route.overflow)
        }
        return RoutingTable(routes: routes)
    }
}
