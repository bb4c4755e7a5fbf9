// Server: the SIP port's protection from the configuration (issue 15) — the allow-list (`sip.allow`, loopback when
// unset, and the trunks' addresses), the refusal (403 or silence), the INVITE rate limit per source and the cap on
// concurrent inbound calls, as the SIP bridge applies them before any transaction, call, flow or model request.
public import Bridges
import SIP
import Foundation

extension SwitchboardConfiguration {
    /// The bridge's admission settings. `trunkAddresses` are the IP addresses the trunks' hosts resolved to.
    public func sipProtection(
        trunkAddresses: [String] = [], environment: [String: String] = [:]
    ) throws(ConfigurationError) -> SIPProtectionConfiguration {
        var allow = sip.allow == nil ? SIPAddressRange.loopback : []
        for text in sip.allow ?? [] {
            guard let range = SIPAddressRange(text) else {
                throw ConfigurationError("sip.allow: '\(text)' is not an IP address or CIDR block (e.g. 192.0.2.0/24)")
            }
            allow.append(range)
        }
        allow += trunkAddresses.compactMap { SIPAddressRange($0) }
        // An empty list would let everyone in (the bridge's "no list"): it means loopback only.
        if allow.isEmpty { allow = SIPAddressRange.loopback }
        var protection = SIPProtectionConfiguration(
            allow: allow, refusal: sip.refusal == "silence" ? .silence : .forbidden,
            maxConcurrentCalls: sip.maxConcurrentCalls > 0 ? sip.maxConcurrentCalls : nil,
            invitesPerSecond: sip.invitesPerSecond > 0 ? sip.invitesPerSecond : nil, inviteBurst: sip.inviteBurst)
        // Digest challenge for inbound INVITEs: passwords from the environment; the trunks are exempt.
        if !sip.authUsers.isEmpty {
            var users: [String: String] = [:]
            for (user, variable) in sip.authUsers {
                guard let password = environment[variable], !password.isEmpty else {
                    throw ConfigurationError("sip.auth_users.\(user): the environment variable \(variable) is not set")
                }
                users[user] = password
            }
            protection.inboundAuth = SIPDigestVerifier(
                realm: sip.authRealm, users: users, secret: String(UInt64.random(in: 0...UInt64.max), radix: 16))
            protection.authExempt = trunkAddresses.compactMap { SIPAddressRange($0) }
        }
        return protection
    }
}
