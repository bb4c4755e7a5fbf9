// Bridges: protection of the SIP port from strangers (issue 15) — a source allow-list, a per-source INVITE
// rate limit (token bucket) and a cap on concurrent inbound calls. Pure: decisions from the source address,
// the method and a monotonic time in nanoseconds; the bridge sends the answers and counts them.
public import SIP

/// Inbound admission settings.
public struct SIPProtectionConfiguration: Sendable, Equatable {
    /// How refused sources are answered.
    public enum Refusal: String, Sendable, Equatable {
        /// `403 Forbidden` (stateless).
        case forbidden
        /// No answer at all: scanners learn nothing.
        case silence
    }

    /// Sources allowed to send anything (addresses or CIDR blocks). Empty: everyone (not the default in `serve`,
    /// which passes loopback and the trunks' addresses).
    public var allow: [SIPAddressRange]
    public var refusal: Refusal
    /// Past this many concurrent inbound calls, new INVITEs get `503` (nil: no cap).
    public var maxConcurrentCalls: Int?
    /// Sustained INVITEs per second from one source address (nil: no limit) and the burst allowed above it.
    public var invitesPerSecond: Double?
    public var inviteBurst: Int
    /// When set, initial INVITEs must answer a digest challenge (401) with a configured user's password;
    /// sources in `authExempt` (the trunks) are not challenged.
    public var inboundAuth: SIPDigestVerifier?
    public var authExempt: [SIPAddressRange] = []

    public init(
        allow: [SIPAddressRange] = [], refusal: Refusal = .forbidden, maxConcurrentCalls: Int? = nil,
        invitesPerSecond: Double? = nil, inviteBurst: Int = 20
    ) {
        self.allow = allow
        self.refusal = refusal
        self.maxConcurrentCalls = maxConcurrentCalls
        self.invitesPerSecond = invitesPerSecond
        self.inviteBurst = inviteBurst
    }
}

/// Why a request was refused before it reached the user agent core (metrics label values).
public enum SIPRefusalReason: String, Sendable, CaseIterable {
    case notAllowed = "not_allowed"
    case rateLimited = "rate_limited"
    case overCapacity = "over_capacity"
    case unauthenticated = "unauthenticated"
}

/// The admission state: token buckets per source.
struct SIPProtection: Sendable {
    var configuration: SIPProtectionConfiguration
    private var buckets: [String: (tokens: Double, at: UInt64)] = [:]
    private var lastSweep: UInt64 = 0

    init(configuration: SIPProtectionConfiguration) {
        self.configuration = configuration
    }

    func isAllowed(_ host: String) -> Bool {
        configuration.allow.isEmpty || configuration.allow.contains { $0.contains(host) }
    }

    /// Takes one INVITE token for `host` at `now` (ns); false when its bucket is empty.
    mutating func admitInvite(from host: String, now: UInt64) -> Bool {
        guard let rate = configuration.invitesPerSecond, rate > 0 else { return true }
        let burst = Double(max(1, configuration.inviteBurst))
        var bucket = buckets[host] ?? (burst, now)
        let elapsed = Double(now &- bucket.at) / 1e9
        bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
        bucket.at = now
        let admitted = bucket.tokens >= 1
        if admitted { bucket.tokens -= 1 }
        buckets[host] = bucket
        sweep(now: now, rate: rate, burst: burst)
        return admitted
    }

    /// Forgets full buckets (sources quiet long enough to be back at the burst) every 10 s: the table stays
    /// as small as the set of recently busy sources.
    private mutating func sweep(now: UInt64, rate: Double, burst: Double) {
        guard now &- lastSweep > 10_000_000_000 else { return }
        lastSweep = now
        buckets = buckets.filter { $0.value.tokens + Double(now &- $0.value.at) / 1e9 * rate < burst }
    }

    var trackedSources: Int { buckets.count }

    /// Whether one more inbound call fits under the cap.
    func admitCall(active: Int) -> Bool {
        guard let cap = configuration.maxConcurrentCalls else { return true }
        return active < cap
    }
}
