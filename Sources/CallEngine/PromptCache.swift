import Synchronization

/// A bounded least-recently-used cache of synthesized prompts, keyed by text, voice, rate and output rate, so
/// a repeated prompt costs nothing. Thread-safe; the returned audio shares storage with the cached copy.
public final class PromptCache: Sendable {
    public struct Key: Hashable, Sendable {
        public var text: String
        public var voice: String?
        public var rate: Int
        public var sampleRate: Int
        public var engine: SpeechEngine
        public var language: String?

        public init(
            text: String, voice: String?, rate: Int, sampleRate: Int, engine: SpeechEngine = .espeak,
            language: String? = nil
        ) {
            self.text = text
            self.voice = voice
            self.rate = rate
            self.sampleRate = sampleRate
            self.engine = engine
            self.language = language
        }
    }

    private struct Entry {
        var audio: SpeechAudio
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var totalSamples = 0
        var clock: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    public let maxEntries: Int
    public let maxTotalSamples: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - maxEntries: most prompts kept.
    ///   - maxTotalSamples: most samples kept over all prompts (default 8 M samples = 16 MB).
    public init(maxEntries: Int = 256, maxTotalSamples: Int = 8_000_000) {
        self.maxEntries = max(1, maxEntries)
        self.maxTotalSamples = max(1, maxTotalSamples)
    }

    public func get(_ key: Key) -> SpeechAudio? {
        state.withLock { state in
            state.clock += 1
            guard var entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.audio
        }
    }

    public func put(_ key: Key, _ audio: SpeechAudio) {
        guard audio.samples.count <= maxTotalSamples else { return }
        state.withLock { state in
            state.clock += 1
            if let old = state.entries[key] { state.totalSamples -= old.audio.samples.count }
            state.entries[key] = Entry(audio: audio, lastUse: state.clock)
            state.totalSamples += audio.samples.count
            while state.entries.count > maxEntries || state.totalSamples > maxTotalSamples {
                guard let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) else { break }
                state.entries[oldest.key] = nil
                state.totalSamples -= oldest.value.audio.samples.count
            }
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }
    public var hits: Int { state.withLock { $0.hits } }
    public var misses: Int { state.withLock { $0.misses } }
}

/// Wraps any synthesizer with a `PromptCache`.
public struct CachingSpeechSynthesizer: SpeechSynthesizer {
    public let base: any SpeechSynthesizer
    public let cache: PromptCache

    public init(base: any SpeechSynthesizer, cache: PromptCache = PromptCache()) {
        self.base = base
        self.cache = cache
    }

    public init(_ base: any SpeechSynthesizer, cache: PromptCache = PromptCache()) {
        self.init(base: base, cache: cache)
    }

    public func synthesize(text: String, voice: String?, rate: Int, sampleRate: Int) async throws(SpeechError) -> SpeechAudio {
        let key = PromptCache.Key(text: text, voice: voice, rate: rate, sampleRate: sampleRate)
        if let cached = cache.get(key) { return cached }
        let audio = try await base.synthesize(text: text, voice: voice, rate: rate, sampleRate: sampleRate)
        cache.put(key, audio)
        return audio
    }

    public func synthesize(_ request: SpeechRequest, sampleRate: Int) async throws(SpeechError) -> SpeechAudio {
        let key = PromptCache.Key(
            text: request.text, voice: request.voice, rate: request.rate, sampleRate: sampleRate, engine: request.engine,
            language: request.language)
        if let cached = cache.get(key) { return cached }
        let audio = try await base.synthesize(request, sampleRate: sampleRate)
        // A prompt the model engine could not speak (espeak-ng stood in) is not kept: the next call tries again.
        if audio.fallbackReason == nil { cache.put(key, audio) }
        return audio
    }
}
