// Where a request goes through a route set (RFC 3261 §12.2.1.1 for dialogs, §8.1.2 for a preloaded route set
// such as an outbound proxy): its Request-URI, its Route headers and the address it is sent to.

/// The routing of one request: Request-URI, Route header values in order, and the next hop's URI.
public struct SIPRoute: Sendable, Hashable {
    public var requestURI: SIPURI
    public var routes: [SIPNameAddress]
    /// The URI whose address the request is sent to: the first Route for a loose router, the Request-URI for
    /// a strict router (the same URI), the Request-URI itself without a route set.
    public var nextHop: SIPURI

    /// Routing of a request for `remoteTarget` through `routeSet`. A first route with `lr` is a loose router:
    /// the Request-URI is the remote target and the route set goes into Route as is. Without `lr` it is a
    /// strict router (RFC 2543): the Request-URI is that route (without URI headers), Route holds the rest of
    /// the route set followed by the remote target.
    public init(remoteTarget: SIPURI, routeSet: [SIPNameAddress]) {
        guard let first = routeSet.first else {
            requestURI = remoteTarget
            routes = []
            nextHop = remoteTarget
            return
        }
        if first.uri.parameters.contains("lr") {
            requestURI = remoteTarget
            routes = routeSet
        } else {
            var uri = first.uri
            uri.headers = []
            uri.parameters.set("method", nil)
            requestURI = uri
            routes = Array(routeSet.dropFirst()) + [SIPNameAddress(uri: remoteTarget)]
        }
        nextHop = first.uri
    }

    /// Whether `uri` has `lr` (a loose router).
    public static func isLoose(_ uri: SIPURI) -> Bool { uri.parameters.contains("lr") }
}

extension SIPEndpoint {
    /// The address a request to `uri` is sent to (RFC 3263 without DNS: `maddr` or host, the port or the
    /// scheme's default 5060/5061). Host names stay names: the transport resolves them.
    public init(uri: SIPURI) {
        let maddr = uri.parameters.value("maddr").flatMap { $0.isEmpty ? nil : $0 }
        self.init(host: maddr ?? uri.host, port: uri.port ?? (uri.scheme == "sips" ? 5061 : 5060))
    }

    /// Whether `uri` names this endpoint (same host, ignoring case, and the same port, 5060 when absent).
    public func isNamed(by uri: SIPURI) -> Bool {
        guard uri.isSIP, SIPLexer.equalsIgnoringCase(uri.host, host) else { return false }
        return (uri.port ?? (uri.scheme == "sips" ? 5061 : 5060)) == port
    }
}
