import CallEngine
import Testing
import SwitchboardTestKit

@Suite("EspeakSynthesizer and PromptCache", .tags(.integration))
struct EspeakSynthesizerTests {
    static func rms(_ samples: [Int16]) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
    }

    @Test func producesNonSilentNarrowbandSpeech() async throws {
        let audio = try await EspeakSynthesizer().synthesize(
            text: "Thank you for calling. Press one for billing.", voice: "en-us", rate: 175, sampleRate: 8000
        )
        #expect(audio.sampleRate == 8000)
        #expect(audio.durationMs > 1500)
        #expect(audio.durationMs < 6000)
        #expect(Self.rms(audio.samples) > 500)
    }

    @Test func unknownVoiceFallsBackAndEmptyTextIsSilent() async throws {
        let synth = EspeakSynthesizer()
        let audio = try await synth.synthesize(text: "Hello", voice: "alloy", rate: 175, sampleRate: 16000)
        #expect(audio.sampleRate == 16000)
        #expect(Self.rms(audio.samples) > 500)
        let empty = try await synth.synthesize(text: "  ", voice: nil, rate: 175, sampleRate: 8000)
        #expect(empty.samples.isEmpty)
    }

    @Test func cacheReturnsTheSameBufferTheSecondTime() async throws {
        let cache = PromptCache(maxEntries: 2)
        let synth = CachingSpeechSynthesizer(EspeakSynthesizer(), cache: cache)
        let first = try await synth.synthesize(text: "Welcome to Switchboard.", voice: "en-us", rate: 175, sampleRate: 8000)
        let clock = ContinuousClock()
        let start = clock.now
        let second = try await synth.synthesize(text: "Welcome to Switchboard.", voice: "en-us", rate: 175, sampleRate: 8000)
        let elapsed = clock.now - start
        #expect(first == second)
        let sameStorage = first.samples.withUnsafeBufferPointer { a in
            second.samples.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress }
        }
        #expect(sameStorage)
        #expect(cache.hits == 1)
        #expect(cache.misses == 1)
        #expect(elapsed < .milliseconds(5))
        // A different rate is a different prompt; the LRU keeps at most two.
        _ = try await synth.synthesize(text: "Welcome to Switchboard.", voice: "en-us", rate: 220, sampleRate: 8000)
        _ = try await synth.synthesize(text: "Goodbye.", voice: "en-us", rate: 175, sampleRate: 8000)
        #expect(cache.count == 2)
    }
}
