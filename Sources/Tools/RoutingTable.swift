public import Foundation
public import SwitchboardCore

/// Named transfer destinations for `transfer_call` (`billing`, `support`, `human`, …), from a flow's `routes:`:
/// each a SIP (or tel) URI, optional business hours and an optional overflow (a route name or a URI) used
/// when the route is closed — or by the call engine when the transfer itself fails. A table-wide `overflow`
/// applies to routes without their own.
public struct RoutingTable: Sendable, Hashable {
    public struct Route: Sendable, Hashable {
        public var target: String
        public var hours: BusinessHours?
        public var overflow: String?

        public init(target: String, hours: BusinessHours? = nil, overflow: String? = nil) {
            self.target = target
            self.hours = hours
            self.overflow = overflow
        }
    }

    /// Where a transfer goes, decided at one instant.
    public enum Decision: Sendable, Hashable {
        /// The route is open: transfer to `target`; `overflow` if that fails.
        case open(target: String, overflow: String?)
        /// The route is closed; transfer to its overflow instead.
        case overflow(target: String)
        /// Closed and no overflow: nowhere to send the call.
        case closed
    }

    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
    }

    public var routes: [String: Route]
    public var overflow: String?

    public init(routes: [String: Route], overflow: String? = nil) {
        self.routes = routes
        self.overflow = overflow
    }

    /// The table `switchboard demo` and `tools call` use when nothing is configured: every route on the local
    /// machine, billing open on weekdays 09:00–17:00 UTC with voicemail as overflow.
    public static let demo = RoutingTable(
        routes: [
            "billing": Route(
                target: "sip:billing@127.0.0.1:5070",
                hours: BusinessHours(name: "office", timezone: "UTC", week: Array(repeating: [9 * 60..<17 * 60], count: 5) + [[], []]),
                overflow: "voicemail"),
            "support": Route(target: "sip:support@127.0.0.1:5070"),
            "human": Route(target: "sip:operator@127.0.0.1:5070"),
            "voicemail": Route(target: "sip:voicemail@127.0.0.1:5070"),
        ],
        overflow: "sip:voicemail@127.0.0.1:5070")

    /// Route names, sorted (the `enum` of `transfer_call`'s `route` parameter).
    public var routeNames: [String] { routes.keys.sorted() }

    /// Configuration problems: bad URIs, bad hours, overflow names that don't exist.
    public func problems() -> [String] {
        var problems: [String] = []
        for name in routeNames {
            guard let route = routes[name] else { continue }
            if !Self.isURI(route.target) {
                problems.append("route \(name): target \"\(route.target)\" is not a sip:, sips: or tel: URI")
            }
            for problem in route.hours?.problems() ?? [] { problems.append("route \(name): \(problem)") }
            if let overflow = route.overflow, !Self.isURI(overflow), routes[overflow] == nil {
                problems.append("route \(name): overflow \"\(overflow)\" is neither a route nor a URI")
            }
        }
        if let overflow, !Self.isURI(overflow), routes[overflow] == nil {
            problems.append("overflow \"\(overflow)\" is neither a route nor a URI")
        }
        return problems
    }

    /// Decides where `name` goes at `date`. Overflow names are followed one level (an overflow route that is
    /// itself closed counts as closed).
    public func decide(_ name: String, at date: Date) throws(Failure) -> Decision {
        guard let route = routes[name] else {
            throw Failure(description: "no route named \"\(name)\" (known: \(routeNames.joined(separator: ", ")))")
        }
        let fallback = route.overflow ?? overflow
        if try isOpen(route, at: date) {
            let overflowTarget = fallback.flatMap { try? resolveOverflow($0, excluding: name, at: date) }
            return .open(target: route.target, overflow: overflowTarget)
        }
        if let fallback, let target = try resolveOverflow(fallback, excluding: name, at: date) {
            return .overflow(target: target)
        }
        return .closed
    }

    private func isOpen(_ route: Route, at date: Date) throws(Failure) -> Bool {
        guard let hours = route.hours else { return true }
        guard TimeZone(identifier: hours.timezone) != nil else {
            throw Failure(description: "unknown time zone \"\(hours.timezone)\"")
        }
        return hours.isOpen(at: date)
    }

    private func resolveOverflow(_ overflow: String, excluding name: String, at date: Date) throws(Failure) -> String? {
        if Self.isURI(overflow) { return overflow }
        guard overflow != name, let route = routes[overflow] else { return nil }
        return try isOpen(route, at: date) ? route.target : nil
    }

    static func isURI(_ text: String) -> Bool {
        let lower = text.lowercased()
        return (lower.hasPrefix("sip:") || lower.hasPrefix("sips:") || lower.hasPrefix("tel:")) && text.count > 4
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
    }
}
