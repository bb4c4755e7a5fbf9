// ModelClient: the built-in provider profiles (OpenAI, AI/ML API, CometAPI), from reference/openai-audio-chat.md.

extension ProviderProfile {
    /// Voices of gpt-4o(-mini)-audio-preview on OpenAI.
    public static let openAIVoices = [
        "alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse",
    ]

    public static let openai = ProviderProfile(
        name: "openai", baseURL: "https://api.openai.com/v1", apiKeyVariable: "OPENAI_API_KEY",
        voices: openAIVoices)

    /// AI/ML API: OpenAI schema; its schema documents `max_tokens` (default 512), so the profile sends that;
    /// errors come as a top-level `{message, statusCode}`; success may be 201.
    public static let aimlapi = ProviderProfile(
        name: "aimlapi", baseURL: "https://api.aimlapi.com/v1", apiKeyVariable: "AIMLAPI_API_KEY",
        voices: ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer"],
        maxTokensField: "max_tokens")

    public static let cometapi = ProviderProfile(
        name: "cometapi", baseURL: "https://api.cometapi.com/v1", apiKeyVariable: "COMETAPI_API_KEY",
        voices: openAIVoices)

    public static let builtIn: [ProviderProfile] = [.openai, .aimlapi, .cometapi]

    /// The provider whose key and base URL `OPENAI_API_KEY` / `OPENAI_BASE_URL` set.
    public static let defaultName = "openai"

    public static func named(_ name: String) -> ProviderProfile? {
        builtIn.first { $0.name == name.lowercased() }
    }
}
