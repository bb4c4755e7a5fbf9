// ModelClient: what differs between OpenAI-compatible providers: base URL, which environment variable holds
// the key, extra headers, voices, model, the max-tokens field name and default limit, reply audio rate, the
// model catalogue (prices, streaming, aliases), whether earlier replies are referenced by audio id, and the
// caller-transcription model.
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
    /// Prices, streaming support and aliases per model.
    public var catalogue: ModelCatalogue
    /// The reply limit sent as `maxTokensField` (AI/ML API defaults to 512 when none is sent); nil: not sent.
    public var maxTokens: Int?
    /// false: earlier replies are always sent as their transcripts, never by `audio.id` (gateways that route
    /// upstream cannot resolve ids made by another account).
    public var reuseAudioIDs: Bool
    /// Model for caller transcripts (`/audio/transcriptions`); nil or empty: no caller transcripts.
    public var transcriptionModel: String?

    /// The prices of the catalogue's models.
    public var prices: PriceTable { catalogue.prices }

    public init(
        name: String, baseURL: String, apiKeyVariable: String, extraHeaders: [String: String] = [:],
        voices: [String], defaultVoice: String = "alloy", model: String = ModelClientDefaults.model,
        maxTokensField: String = "max_completion_tokens", audioSampleRate: Int = ModelClientDefaults.replySampleRate,
        catalogue: ModelCatalogue = .builtIn, maxTokens: Int? = ModelClientDefaults.maxTokens,
        reuseAudioIDs: Bool = true, transcriptionModel: String? = ModelClientDefaults.transcriptionModel
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
        self.catalogue = catalogue
        self.maxTokens = maxTokens
        self.reuseAudioIDs = reuseAudioIDs
        self.transcriptionModel = transcriptionModel
    }

    /// The settings for a request with this provider's model (after the catalogue's aliases), voice, max-tokens
    /// field and limit; non-streamed from the start for a model the catalogue marks as not streaming.
    public func settings(voice: String? = nil, model: String? = nil) -> ChatSettings {
        let name = catalogue.resolve(model ?? self.model)
        return ChatSettings(
            model: name, voice: voice ?? defaultVoice, audioFormat: catalogue.streams(name) ? "pcm16" : "wav",
            stream: catalogue.streams(name), maxCompletionTokens: maxTokens, maxTokensField: maxTokensField)
    }

    /// `nil` when the voice is in the list, else a message naming the allowed voices.
    public func checkVoice(_ voice: String) -> String? {
        voices.isEmpty || voices.contains(voice)
            ? nil : "voice '\(voice)' is not offered by provider '\(name)' (allowed: \(voices.joined(separator: ", ")))"
    }
}
