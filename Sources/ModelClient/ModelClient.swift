// ModelClient: talks to OpenAI-compatible audio chat models (`POST /v1/chat/completions`, text+audio, streamed).
// Owns: provider profiles, the streaming client over AsyncHTTPClient (timeouts, retries, cancellation),
// reply audio decoding and one resampling step to the call's rate, per-request metrics.
// `Wire/` holds the pure wire formats (request/response types, SSE parser, chunk decoder, tool-call assembler,
// conversation history) and imports only Foundation. May import: Audio, AsyncHTTPClient, Logging.

/// Default values shared by the module.
public enum ModelClientDefaults {
    /// The model used when neither the provider profile nor the flow step names one.
    public static let model = ModelCatalogue.currentModel
    /// The reply limit sent by default (the model's own maximum is 16,384 output tokens).
    public static let maxTokens = 4096
    /// The caller-transcription model (`/audio/transcriptions`).
    public static let transcriptionModel = "gpt-4o-mini-transcribe"
    /// Rate of streamed pcm16 reply audio.
    public static let replySampleRate = 24000
}
