// Server: the `tts:` section: the OpenAI-compatible `/v1/audio/speech` that speaks the prompts of flows with
// `defaults.tts: model`, and the folder where synthesized prompts are kept across restarts.
import Foundation

extension SwitchboardConfiguration {
    public struct TTS: Sendable, Equatable {
        /// The speech model.
        public var model: String = "gpt-4o-mini-tts"
        /// The voice when the flow names none (`defaults.voice`).
        public var voice: String = "alloy"
        /// The speech endpoint's base URL (`…/v1`); absent: the model provider's (with its key).
        public var baseURL: String?
        /// Synthesized prompts, one WAV per (text, voice, model, rate).
        public var cacheDir: String = "tts-cache"
        /// A speech request taking longer falls back to espeak-ng.
        public var timeoutMs: Int = 8000
    }
}

extension SwitchboardConfiguration.TTS {
    static var keys: [ConfigurationKey<Self>] {
        [
            .text("model", \.model),
            .text("voice", \.voice),
            .text("base_url", \.baseURL),
            .path("cache_dir", \.cacheDir),
            .int("timeout_ms", \.timeoutMs, range: 100...120_000),
        ]
    }
}
