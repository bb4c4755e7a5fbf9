/// Synthesized speech: 16-bit mono PCM at `sampleRate`.
public struct SpeechAudio: Sendable, Equatable {
    public var samples: [Int16]
    public var sampleRate: Int
    /// Set when the engine asked for failed and another one spoke instead (why it failed).
    public var fallbackReason: String?

    public init(samples: [Int16], sampleRate: Int, fallbackReason: String? = nil) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.fallbackReason = fallbackReason
    }

    public var durationMs: Int { sampleRate > 0 ? samples.count * 1000 / sampleRate : 0 }
}

/// A speech synthesis failure.
public struct SpeechError: Error, Sendable, Equatable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// Which synthesizer a prompt asks for (flow `defaults.tts`).
public enum SpeechEngine: String, Sendable, Hashable {
    /// espeak-ng, embedded and offline.
    case espeak
    /// The provider's `/v1/audio/speech` (the model's voice), espeak-ng when it fails.
    case model
}

/// One prompt to speak: the text, the flow's voice and language, the rate and the engine asked for.
public struct SpeechRequest: Sendable, Hashable {
    public var text: String
    /// The flow's voice (a model voice such as `alloy`, or an espeak-ng voice); `nil` = the engine's default.
    public var voice: String?
    public var language: String?
    /// Words per minute (espeak-ng's scale; 175 is normal speed).
    public var rate: Int
    public var engine: SpeechEngine

    public init(text: String, voice: String?, language: String? = nil, rate: Int, engine: SpeechEngine = .espeak) {
        self.text = text
        self.voice = voice
        self.language = language
        self.rate = rate
        self.engine = engine
    }
}

/// The text-to-speech port used for `say` prompts.
public protocol SpeechSynthesizer: Sendable {
    /// Speaks `text` with `voice` (engine-specific name, `nil` = default) at `rate` words per minute, returning
    /// PCM at `sampleRate`.
    func synthesize(text: String, voice: String?, rate: Int, sampleRate: Int) async throws(SpeechError) -> SpeechAudio

    /// Speaks one prompt with the engine it asks for. The default ignores the engine and speaks with
    /// `voice ?? language` (what a single-engine synthesizer such as espeak-ng needs).
    func synthesize(_ request: SpeechRequest, sampleRate: Int) async throws(SpeechError) -> SpeechAudio
}

extension SpeechSynthesizer {
    public func synthesize(_ request: SpeechRequest, sampleRate: Int) async throws(SpeechError) -> SpeechAudio {
        try await synthesize(
            text: request.text, voice: request.voice ?? request.language, rate: request.rate, sampleRate: sampleRate)
    }
}
