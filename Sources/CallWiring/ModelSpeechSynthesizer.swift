// CallWiring: one voice per call. Prompts of flows with `defaults.tts: model` are spoken by the provider's
// `/v1/audio/speech` (the model's voice) and kept in a `SpeechDiskCache`, so each prompt is synthesised once
// across restarts; every other prompt, and any prompt the endpoint cannot speak (down, slow, refused, not
// audio), is spoken by espeak-ng, with the reason logged and marked on the audio (`fallbackReason`).
import Audio
public import CallEngine
public import Logging
public import ModelClient

public struct ModelSpeechSynthesizer: SpeechSynthesizer {
    public struct Settings: Sendable, Equatable {
        /// The speech model (e.g. `gpt-4o-mini-tts`, `tts-1`).
        public var model: String
        /// The voice when the flow names none.
        public var voice: String
        /// espeak-ng's normal rate; `rate / normalRate` is sent as `speed` when it differs from 1.
        public var normalRate: Int

        public init(model: String = "gpt-4o-mini-tts", voice: String = "alloy", normalRate: Int = 175) {
            self.model = model
            self.voice = voice
            self.normalRate = normalRate
        }
    }

    /// nil: no endpoint configured (every prompt is espeak-ng's).
    public let client: SpeechClient?
    public let cache: SpeechDiskCache?
    public let settings: Settings
    public let fallback: any SpeechSynthesizer
    let logger: Logger

    public init(
        client: SpeechClient?, cache: SpeechDiskCache?, settings: Settings = Settings(),
        fallback: any SpeechSynthesizer = EspeakSynthesizer(), logger: Logger = Logger(label: "switchboard.tts")
    ) {
        self.client = client
        self.cache = cache
        self.settings = settings
        self.fallback = fallback
        self.logger = logger
    }

    public func synthesize(text: String, voice: String?, rate: Int, sampleRate: Int) async throws(SpeechError) -> SpeechAudio {
        try await fallback.synthesize(text: text, voice: voice, rate: rate, sampleRate: sampleRate)
    }

    public func synthesize(_ request: SpeechRequest, sampleRate: Int) async throws(SpeechError) -> SpeechAudio {
        guard request.engine == .model else { return try await fallback.synthesize(request, sampleRate: sampleRate) }
        let reason: String
        do {
            let audio = try await modelAudio(request)
            return SpeechAudio(samples: try resample(audio, to: sampleRate), sampleRate: sampleRate)
        } catch let error as ModelClientError {
            reason = "the speech endpoint failed: \(error)"
        } catch let error as SpeechError {
            reason = error.message
        } catch {
            reason = "\(error)"
        }
        logger.warning("speech endpoint unusable, espeak-ng speaks the prompt", metadata: ["reason": "\(reason)"])
        var audio = try await fallback.synthesize(
            SpeechRequest(text: request.text, voice: request.language, language: request.language, rate: request.rate),
            sampleRate: sampleRate)
        audio.fallbackReason = reason
        return audio
    }

    /// The key a request is cached under.
    public func cacheKey(_ request: SpeechRequest) -> SpeechDiskCache.Key {
        SpeechDiskCache.Key(
            text: request.text, voice: request.voice ?? settings.voice, model: settings.model, rate: request.rate)
    }

    private func modelAudio(_ request: SpeechRequest) async throws -> WAVAudio {
        let key = cacheKey(request)
        if let cached = cache?.load(key) { return cached }
        guard let client else {
            throw SpeechError(code: "tts_not_configured", message: "no speech endpoint is configured (no API key or tts.base_url)")
        }
        let speed = request.rate == settings.normalRate ? nil : Double(request.rate) / Double(max(1, settings.normalRate))
        let audio = try await client.speech(text: request.text, model: key.model, voice: key.voice, speed: speed)
        guard audio.frameCount > 0 else { throw SpeechError(code: "tts_empty", message: "the speech endpoint sent no audio") }
        if let cache, let error = cache.store(audio, for: key) {
            logger.warning("cannot keep a synthesized prompt on disk", metadata: ["dir": "\(cache.directory)", "error": "\(error)"])
        }
        return audio
    }

    private func resample(_ audio: WAVAudio, to sampleRate: Int) throws(SpeechError) -> [Int16] {
        let mono = audio.channels == 1 ? audio.samples : audio.mono()
        guard audio.sampleRate != sampleRate else { return mono }
        do {
            return try Resampler.resample(mono, from: audio.sampleRate, to: sampleRate)
        } catch {
            throw SpeechError(code: "resample_failed", message: "cannot resample the speech reply to \(sampleRate) Hz: \(error)")
        }
    }
}
