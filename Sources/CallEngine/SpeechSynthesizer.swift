/// Synthesized speech: 16-bit mono PCM at `sampleRate`.
public struct SpeechAudio: Sendable, Equatable {
    public var samples: [Int16]
    public var sampleRate: Int

    public init(samples: [Int16], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
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

/// The text-to-speech port used for `say` prompts.
public protocol SpeechSynthesizer: Sendable {
    /// Speaks `text` with `voice` (engine-specific name, `nil` = default) at `rate` words per minute, returning
    /// PCM at `sampleRate`.
    func synthesize(text: String, voice: String?, rate: Int, sampleRate: Int) async throws(SpeechError) -> SpeechAudio
}
