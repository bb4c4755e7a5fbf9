// Server: a configured trunk made ready to use at start (issue 15) — its URIs parsed, its hosts resolved to the
// addresses REGISTERs and calls go to (and that are let through the SIP allow-list), its password read from the
// environment, and the flow for calls to its address-of-record. Every problem is a configuration error naming the
// trunk, raised before anything listens.
public import Bridges
import Foundation
import NIOCore
public import SIP

/// One trunk, checked and resolved.
public struct TrunkPlan: Sendable {
    public var name: String
    public var registrar: SIPURI
    public var aor: SIPURI
    /// Where REGISTERs and calls are sent (the proxy's address, else the registrar's), as an IP address.
    public var nextHop: SIPEndpoint
    public var credentials: SIPCredentials?
    /// The environment variable the password came from (for error messages; never the password).
    public var passwordEnv: String?
    public var expires: Int
    public var register: Bool
    /// The flow file answering calls to the AOR's user part, or nil.
    public var flowPath: String?
    /// Addresses and CIDRs let in for this trunk (its hosts' addresses and its `allow`).
    public var allow: [String]

    /// The trunk an attended transfer's call to `target` goes through: the first whose registrar host (and
    /// port, when the URI gives one) the target names; nil: none (the call goes straight to the URI).
    public static func transferTrunk(for target: SIPURI, among trunks: [TrunkPlan]) -> SIPTransferTrunk? {
        let host = target.host.lowercased()
        guard
            let trunk = trunks.first(where: {
                $0.registrar.host.lowercased() == host && (target.port == nil || target.port == ($0.registrar.port ?? 5060))
            })
        else { return nil }
        return SIPTransferTrunk(nextHop: trunk.nextHop, credentials: trunk.credentials, from: SIPNameAddress(uri: trunk.aor))
    }

    /// The REGISTER the UA core sends for this trunk (`expires` 0 unregisters).
    public func registration(expires: Int? = nil) -> SIPRegistration {
        SIPRegistration(
            id: name, registrar: registrar, aor: aor, nextHop: nextHop, credentials: credentials, expires: expires ?? self.expires)
    }
}

extension SwitchboardConfiguration {
    /// The trunks checked and resolved (host names looked up once, now).
    public func trunkPlans(environment: [String: String]) throws(ConfigurationError) -> [TrunkPlan] {
        var plans: [TrunkPlan] = []
        for (index, trunk) in trunks.enumerated() {
            let what = "trunks[\(index)]" + (trunk.name.isEmpty ? "" : " (\(trunk.name))")
            guard !trunk.name.isEmpty else { throw ConfigurationError("\(what): a trunk needs a name") }
            guard !plans.contains(where: { $0.name == trunk.name }) else {
                throw ConfigurationError("\(what): another trunk is named `\(trunk.name)`")
            }
            guard let registrar = SIPURI(trunk.registrar), registrar.isSIP, !registrar.host.isEmpty else {
                throw ConfigurationError("\(what).registrar: `\(trunk.registrar)` is not a SIP URI (e.g. sip:pbx.example.com)")
            }
            guard let aor = SIPURI(trunk.aor), aor.isSIP, aor.user?.isEmpty == false else {
                throw ConfigurationError("\(what).aor: `\(trunk.aor)` is not a SIP URI with a user (e.g. sip:1001@pbx.example.com)")
            }
            var hopURI = registrar
            if let proxy = trunk.proxy {
                guard let uri = SIPURI(proxy), uri.isSIP, !uri.host.isEmpty else {
                    throw ConfigurationError("\(what).proxy: `\(proxy)` is not a SIP URI (e.g. sip:proxy.example.com;lr)")
                }
                hopURI = uri
            }
            var credentials: SIPCredentials?
            if let variable = trunk.passwordEnv, !variable.isEmpty {
                guard let password = environment[variable], !password.isEmpty else {
                    throw ConfigurationError("\(what).password_env: the environment variable \(variable) is not set")
                }
                credentials = SIPCredentials(username: trunk.authUser ?? aor.user ?? "", password: password)
            }
            var allow: [String] = []
            for text in trunk.allow {
                guard SIPAddressRange(text) != nil else {
                    throw ConfigurationError("\(what).allow: '\(text)' is not an IP address or CIDR block")
                }
                allow.append(text)
            }
            let hop = SIPEndpoint(uri: hopURI)
            let hopAddresses = try Self.resolve(hop.host, port: hop.port, what: "\(what): \(hopURI.host)")
            allow += hopAddresses
            if trunk.proxy != nil { allow += (try? Self.resolve(registrar.host, port: 5060, what: what)) ?? [] }
            let flowPath = trunk.flow.map { $0.hasPrefix("/") ? $0 : (flows.dir as NSString).appendingPathComponent($0) }
            plans.append(
                TrunkPlan(
                    name: trunk.name, registrar: registrar, aor: aor,
                    nextHop: SIPEndpoint(host: hopAddresses[0], port: hop.port), credentials: credentials,
                    passwordEnv: trunk.passwordEnv, expires: trunk.expires, register: trunk.register, flowPath: flowPath,
                    allow: allow))
        }
        return plans
    }

    /// The IP addresses of `host` (itself when it is one).
    static func resolve(_ host: String, port: Int, what: String) throws(ConfigurationError) -> [String] {
        if SIPAddressRange(host) != nil { return [host] }
        do {
            let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
            guard let ip = address.ipAddress else { throw ConfigurationError("\(what): no IP address") }
            return [ip]
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("\(what): cannot resolve the host name (\(error))")
        }
    }
}
