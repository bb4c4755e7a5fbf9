import Audio
import Foundation
import SwitchboardTestKit
import Testing

@Suite(.tags(.integration)) struct VADTests {
    static let texts = [
        "Hello, I would like to check my account balance.",
        "My card was declined at the store this morning.",
        "Yes, that is all, thank you very much.",
    ]

    /// Three espeak utterances with 1 s of silence around and between them, plus each one's true span
    /// (first and last sample above -46 dBFS).
    static func conversation(rate: Int) throws -> (samples: [Int16], truth: [Utterance]) {
        let dir = try TemporaryDirectory(prefix: "vad")
        defer { dir.remove() }
        let silence = ToneGenerator.silence(durationMs: 1000, sampleRate: rate)
        var samples = silence
        var truth: [Utterance] = []
        for text in texts {
            let u = try TestAudio.speech(text, sampleRate: rate, in: dir)
            let loud = u.indices.filter { abs(Int(u[$0])) > 160 }
            let first = loud.first ?? 0
            let last = loud.last ?? 0
            truth.append(
                Utterance(startMs: (samples.count + first) * 1000 / rate, endMs: (samples.count + last) * 1000 / rate))
            samples += u + silence
        }
        return (samples, truth)
    }

    static func check(_ found: [Utterance], _ truth: [Utterance], label: String) {
        #expect(found.count == truth.count, "\(label): found \(found)")
        for (f, t) in zip(found, truth) {
            #expect(abs(f.startMs - t.startMs) <= 80, "\(label): start \(f.startMs) vs \(t.startMs)")
            #expect(abs(f.endMs - t.endMs) <= 80, "\(label): end \(f.endMs) vs \(t.endMs)")
        }
    }

    @Test(arguments: [8000, 16000])
    func findsThreeUtterancesCleanAndInNoise(rate: Int) throws {
        let (clean, truth) = try Self.conversation(rate: rate)
        let audio = WAVAudio(sampleRate: rate, samples: clean)
        Self.check(AudioTools.detectUtterances(audio), truth, label: "clean \(rate)")
        // White noise 20 dB below the speech's RMS (over the speech parts).
        let speechRMS = TestAudio.rms(truth.flatMap { clean[($0.startMs * rate / 1000)..<($0.endMs * rate / 1000)] })
        let noise = TestAudio.whiteNoise(count: clean.count, rms: speechRMS / 10)
        let noisy = WAVAudio(sampleRate: rate, samples: TestAudio.mix(clean, noise))
        Self.check(AudioTools.detectUtterances(noisy), truth, label: "20 dB SNR \(rate)")
    }

    @Test func eventsAreEmittedPerFrameAndSilenceIsConfigurable() throws {
        let (clean, truth) = try Self.conversation(rate: 8000)
        var vad = VoiceActivityDetector()
        var framer = Framer(sampleRate: 8000)
        var events: [(at: Int, event: VADEvent)] = []
        var sawSpeech = false
        for f in framer.push(clean) {
            for e in vad.process(f) { events.append((f.timestampMs, e)) }
            sawSpeech = sawSpeech || vad.inSpeech
        }
        #expect(sawSpeech)
        #expect(events.count == 6)
        // The end is reported once the end-of-speech silence (500 ms) has passed.
        if case .speechEnd(let end) = events[1].event {
            let lastVoiced = end - vad.configuration.endPaddingMs
            #expect((480...540).contains(events[1].at - lastVoiced), "end \(end) reported at \(events[1].at)")
        } else {
            Issue.record("second event is not an end: \(events[1].event)")
        }
        // With 1.5 s required silence the three utterances merge into one.
        let long = AudioTools.detectUtterances(
            WAVAudio(sampleRate: 8000, samples: clean), configuration: .init(endSilenceMs: 1500))
        #expect(long.count == 1)
        #expect(abs((long.first?.endMs ?? 0) - (truth.last?.endMs ?? 0)) <= 80)
    }

    @Test func learnsANoiseStepWithinAFewSeconds() throws {
        let dir = try TemporaryDirectory(prefix: "vadstep")
        defer { dir.remove() }
        let u1 = try TestAudio.speech(Self.texts[0], in: dir)
        let u2 = try TestAudio.speech(Self.texts[1], in: dir)
        let gap = ToneGenerator.silence(durationMs: 1000, sampleRate: 8000)
        let clean = gap + u1 + gap + gap + [Int16](repeating: 0, count: 8000 * 6) + u2 + gap
        // Quiet line noise, then from 2 s after the first utterance the caller walks into a street (+24 dB).
        let stepAt = gap.count * 3 + u1.count
        let quiet = TestAudio.whiteNoise(count: stepAt, rms: 30, seed: 1)
        let loud = TestAudio.whiteNoise(count: clean.count - stepAt, rms: 500, seed: 2)
        let found = AudioTools.detectUtterances(
            WAVAudio(sampleRate: 8000, samples: TestAudio.mix(clean, quiet + loud)))
        let u2Start = (stepAt + 8000 * 6) / 8
        // The step itself may read as speech for a moment, but the floor catches up long before the caller
        // speaks again, and the second utterance is found on its own.
        #expect(found.count >= 2 && found.count <= 3, "\(found)")
        #expect(abs((found.last?.startMs ?? 0) - u2Start) <= 80, "\(found) vs start \(u2Start)")
        #expect(found.dropLast().allSatisfy { $0.endMs < u2Start - 1000 }, "\(found)")
    }

    @Test func clicksAndSteadyNoiseAreNotSpeech() {
        var signal = TestAudio.whiteNoise(count: 8000 * 3, rms: 300)
        // A 40 ms burst (a click / knock) in the noise.
        for i in 8000..<8320 { signal[i] = ToneGenerator.clip(Double(signal[i]) * 20) }
        #expect(AudioTools.detectUtterances(WAVAudio(sampleRate: 8000, samples: signal)).isEmpty)
        let hum = ToneGenerator.sine(frequency: 120, amplitude: 3000, durationMs: 4000, sampleRate: 8000)
        #expect(AudioTools.detectUtterances(WAVAudio(sampleRate: 8000, samples: hum)).isEmpty)
        let quiet = ToneGenerator.silence(durationMs: 2000, sampleRate: 8000)
        #expect(AudioTools.detectUtterances(WAVAudio(sampleRate: 8000, samples: quiet)).isEmpty)
    }

    /// A jitter buffer fills late or lost packets with digital silence; those gaps in steady line noise must
    /// not drag the noise floor down and turn the noise into speech.
    @Test func lineNoiseWithSilentGapsIsNotSpeech() {
        var signal = TestAudio.whiteNoise(count: 8000 * 6, rms: 150)
        for frame in stride(from: 3, to: signal.count / 160, by: 4) {
            for i in (frame * 160)..<(frame * 160 + 160) { signal[i] = 0 }
        }
        #expect(AudioTools.detectUtterances(WAVAudio(sampleRate: 8000, samples: signal)).isEmpty)
    }
}
