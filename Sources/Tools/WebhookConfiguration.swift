/// How a webhook tool is called: the URL, the environment variable that holds the signing secret, the
/// per-attempt timeout and the number of attempts (1 + retries on connection errors and 5xx).
public struct WebhookConfiguration: Sendable, Hashable, Codable {
    public var url: String
    /// Name of the environment variable holding the HMAC secret (never the secret itself). Nil: unsigned.
    public var secretEnv: String?
    /// Per-attempt timeout in seconds.
    public var timeout: Double
    /// Total attempts, at least 1.
    public var maxAttempts: Int
    /// Extra request headers (not secrets: those belong in `secretEnv`).
    public var headers: [String: String]

    enum CodingKeys: String, CodingKey {
        case url
        case secretEnv = "secret_env"
        case timeout
        case maxAttempts = "max_attempts"
        case headers
    }

    public init(
        url: String, secretEnv: String? = nil, timeout: Double = 5, maxAttempts: Int = 3,
        headers: [String: String] = [:]
    ) {
        self.url = url
        self.secretEnv = secretEnv
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.headers = headers
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        secretEnv = try container.decodeIfPresent(String.self, forKey: .secretEnv)
        timeout = try container.decodeIfPresent(Double.self, forKey: .timeout) ?? 5
        maxAttempts = try container.decodeIfPresent(Int.self, forKey: .maxAttempts) ?? 3
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
    }

    /// Configuration problems (URL shape, bounds).
    public func problems() -> [String] {
        var problems: [String] = []
        switch EgressPolicy.parseURL(url) {
        case .success: break
        case .failure(let error): problems.append(error.description)
        }
        if !(timeout > 0 && timeout <= 60) { problems.append("timeout must be between 0 and 60 seconds") }
        if !(1...5).contains(maxAttempts) { problems.append("max_attempts must be 1...5") }
        if let secretEnv, secretEnv.isEmpty { problems.append("secret_env must name an environment variable") }
        return problems
    }
}
