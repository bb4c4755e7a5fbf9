public import Foundation

/// The SSRF guard for webhook tools. A destination is allowed only when its host is in `allowedHosts`
/// (exact, or `*.example.com` for subdomains) and every address it resolves to is acceptable:
/// cloud-metadata names and addresses, unspecified/multicast/reserved addresses are always refused;
/// link-local (169.254/16, fe80::/10) unless `allowLinkLocal`; private, carrier-NAT, unique-local and
/// loopback addresses unless `allowPrivateAddresses`. Redirects are not followed by the webhook client, so
/// a reply can't lead the request elsewhere.
public struct EgressPolicy: Sendable, Hashable, Codable {
    public var allowedHosts: [String]
    public var allowPrivateAddresses: Bool
    public var allowLinkLocal: Bool

    enum CodingKeys: String, CodingKey {
        case allowedHosts = "allowed_hosts"
        case allowPrivateAddresses = "allow_private_addresses"
        case allowLinkLocal = "allow_link_local"
    }

    public init(allowedHosts: [String], allowPrivateAddresses: Bool = false, allowLinkLocal: Bool = false) {
        self.allowedHosts = allowedHosts
        self.allowPrivateAddresses = allowPrivateAddresses
        self.allowLinkLocal = allowLinkLocal
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        allowedHosts = try container.decodeIfPresent([String].self, forKey: .allowedHosts) ?? []
        allowPrivateAddresses = try container.decodeIfPresent(Bool.self, forKey: .allowPrivateAddresses) ?? false
        allowLinkLocal = try container.decodeIfPresent(Bool.self, forKey: .allowLinkLocal) ?? false
    }

    /// Why a destination was refused.
    public struct Refusal: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
    }

    /// A checked destination.
    public struct Destination: Sendable, Hashable {
        public let url: URL
        public let host: String
        public let addresses: [IPAddress]
    }

    /// Resolves a host name to its addresses (A and AAAA).
    public typealias Resolver = @Sendable (String) async throws -> [IPAddress]

    static let metadataHostNames: Set<String> = [
        "metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal",
        "metadata.azure.internal",
    ]

    /// Checks `urlString`: scheme http/https, no credentials in the URL, host allowed, every resolved address
    /// acceptable. `resolve` defaults to the system resolver (getaddrinfo).
    public func check(_ urlString: String, resolve: Resolver = SystemResolver.resolve) async throws(Refusal)
        -> Destination
    {
        let parsed: (url: URL, host: String)
        switch Self.parseURL(urlString) {
        case .success(let value): parsed = value
        case .failure(let refusal): throw refusal
        }
        let host = parsed.host
        if Self.metadataHostNames.contains(host) {
            throw Refusal(description: "host \(host) is a cloud metadata service")
        }
        guard isAllowListed(host) else {
            throw Refusal(description: "host \(host) is not in the webhook allow-list")
        }
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            do {
                addresses = try await resolve(host)
            } catch {
                throw Refusal(description: "cannot resolve \(host): \(error)")
            }
        }
        guard !addresses.isEmpty else { throw Refusal(description: "\(host) has no addresses") }
        for address in addresses {
            if let why = refusalReason(for: address) {
                throw Refusal(description: "\(host) resolves to \(address), a \(why) address")
            }
        }
        return Destination(url: parsed.url, host: host, addresses: addresses)
    }

    /// The kind name when `address` is not acceptable, else nil.
    public func refusalReason(for address: IPAddress) -> String? {
        switch address.kind {
        case .global: nil
        case .metadata, .special: address.kind.rawValue
        case .linkLocal: allowLinkLocal ? nil : address.kind.rawValue
        case .privateNetwork, .loopback: allowPrivateAddresses ? nil : address.kind.rawValue
        }
    }

    func isAllowListed(_ host: String) -> Bool {
        allowedHosts.contains { entry in
            let pattern = Self.normalizeHost(entry)
            if pattern.hasPrefix("*.") {
                let suffix = String(pattern.dropFirst(1))  // ".example.com"
                return host.hasSuffix(suffix) && host.count > suffix.count
            }
            return pattern == host
        }
    }

    static func normalizeHost(_ host: String) -> String {
        var normalized = host.lowercased()
        if normalized.hasPrefix("["), normalized.hasSuffix("]") { normalized = String(normalized.dropFirst().dropLast()) }
        while normalized.hasSuffix(".") { normalized.removeLast() }
        return normalized
    }

    /// Parses a webhook URL: http or https, a host, no user:password.
    static func parseURL(_ text: String) -> Result<(url: URL, host: String), Refusal> {
        guard let components = URLComponents(string: text), let url = components.url else {
            return .failure(Refusal(description: "webhook URL \"\(text)\" is not a URL"))
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .failure(Refusal(description: "webhook URL \"\(text)\" must use http or https"))
        }
        guard components.user == nil, components.password == nil else {
            return .failure(Refusal(description: "webhook URL must not carry credentials; use secret_env"))
        }
        guard let rawHost = components.host, !rawHost.isEmpty else {
            return .failure(Refusal(description: "webhook URL \"\(text)\" has no host"))
        }
        return .success((url, normalizeHost(rawHost.removingPercentEncoding ?? rawHost)))
    }
}
