// ModelClient: a provider profile resolved against the environment: the key (kept out of every description
// and log), and the base URL after overrides. As the official SDKs do, OPENAI_API_KEY and OPENAI_BASE_URL
// set the default provider's key and base URL.

/// A profile plus its key and effective base URL.
public struct ProviderConfiguration: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var profile: ProviderProfile
    public var baseURL: String
    /// The API key. Never printed: `description` shows only whether it is set.
    public var apiKey: String?

    public init(profile: ProviderProfile, baseURL: String? = nil, apiKey: String?) {
        self.profile = profile
        self.baseURL = Self.trimmed(baseURL ?? profile.baseURL)
        self.apiKey = apiKey
    }

    /// Resolves `profile` with `environment` (e.g. `ProcessInfo.processInfo.environment`): the key from the
    /// profile's variable; for the default provider `OPENAI_BASE_URL` overrides the base URL. An explicit
    /// `baseURL` beats both.
    public static func resolve(
        _ profile: ProviderProfile, environment: [String: String], baseURL: String? = nil
    ) -> ProviderConfiguration {
        var key = environment[profile.apiKeyVariable].flatMap { $0.isEmpty ? nil : $0 }
        var url = baseURL
        if profile.name == ProviderProfile.defaultName {
            key = key ?? environment["OPENAI_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            url = url ?? environment["OPENAI_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        }
        return ProviderConfiguration(profile: profile, baseURL: url, apiKey: key)
    }

    /// `{baseURL}/chat/completions`.
    public var chatCompletionsURL: String { baseURL + "/chat/completions" }

    public var description: String {
        "provider \(profile.name) at \(baseURL), key \(apiKey == nil ? "not set" : "set (redacted)")"
            + (profile.extraHeaders.isEmpty ? "" : ", extra headers \(profile.extraHeaders.keys.sorted()) (values redacted)")
    }

    public var debugDescription: String { description }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
