// ModelClient: what differs between OpenAI-compatible providers: base URL, which environment variable holds
// the key, extra headers, voices, model, the max-tokens field name, reply audio rate and prices.
public import SwitchboardCore

/// A provider's settings. The key itself is never part of a profile; only the name of its variable.
public struct ProviderProfile: Sendable, Equatable, Codable {
    public var name: String
    /// e.g. "https://api.openai.com/v1" (requests go to `{baseURL}/chat/completions`).
    public var baseURL: String
    public var apiKeyVariable: String
    public var extraHeaders: [String: String]
    public var voices: [String]
    public var defaultVoice: String
    public var model: String
    public var maxTokensField: String
    public var audioSampleRate: Int
    public var prices: PriceTable

    public init(
        name: String, baseURL: String, apiKeyVariable: String, extraHeaders: [String: String] = [:],
        voices: [String], defaultVoice: String = "alloy", model: String = ModelClientDefaults.model,
        maxTokensField: String = "max_completion_tokens", audioSampleRate: Int = ModelClientDefaults.replySampleRate,
        prices: PriceTable = .default
    ) {
        self.name = name
        self.baseURL = baseURL
        self.apiKeyVariable = apiKeyVariable
        self.extraHeaders = extraHeaders
        self.voices = voices
        self.defaultVoice = defaultVoice
        self.model = model
        self.maxTokensField = maxTokensField
        self.audioSampleRate = audioSampleRate
        self.prices = prices
    }

    /// The settings for a request with this provider's model, voice and max-tokens field.
    public func settings(voice: String? = nil, model: String? = nil) -> ChatSettings {
        ChatSettings(model: model ?? self.model, voice: voice ?? defaultVoice, maxTokensField: maxTokensField)
    }

    /// `nil` when the voice is in the list, else a message naming the allowed voices.
    public func checkVoice(_ voice: String) -> String? {
        voices.isEmpty || voices.contains(voice)
            ? nil : "voice '\(voice)' is not offered by provider '\(name)' (allowed: \(voices.joined(separator: ", ")))"
    }
}
