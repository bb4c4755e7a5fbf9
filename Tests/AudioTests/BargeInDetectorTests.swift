// Barge-in without false stops (issue 14), on real audio: espeak-ng backchannels ("mm-hmm", "okay", "yeah",
// "uh-huh", spoken softer than the caller's speech, as backchannels are) and sox noise bursts played while the
// bot speaks must never stop it; 20 real interruptions ("wait, stop, I need billing", five voices, four
// speeds) must each stop it within 150 ms of the speech onset measured on the audio itself.
import Audio
import Foundation
import SwitchboardTestKit
import Testing

@Suite(.tags(.integration))
struct BargeInDetectorTests {
    static let rate = 8000

    /// Runs `clip` (after 400 ms of line noise) through a fresh detector with the bot speaking; the time of the
    /// first stop decision (end of the deciding frame, ms from the clip's start) or nil.
    static func firstStop(_ clip: [Int16], detector: inout BargeInDetector) -> Int? {
        let lead = 400 * rate / 1000
        let track = TestAudio.mix(
            [Int16](repeating: 0, count: lead) + clip + [Int16](repeating: 0, count: rate / 2),
            TestAudio.whiteNoise(count: lead + clip.count + rate / 2, rms: 20, seed: 7))
        var framer = Framer(sampleRate: rate)
        for frame in framer.push(track) {
            if case .stop = detector.process(frame, botSpeaking: true) {
                return frame.timestampMs + Int(frame.durationMs) - 400
            }
        }
        return nil
    }

    /// Speech onset on the audio: the first sample louder than 400 (about -38 dBFS), ms from the clip's start.
    static func onsetMs(_ clip: [Int16]) -> Int {
        (clip.firstIndex { abs(Int($0)) > 400 } ?? 0) * 1000 / rate
    }

    static func scaled(_ samples: [Int16], db: Double) -> [Int16] {
        let gain = pow(10, db / 20)
        return samples.map { Int16(clamping: Int((Double($0) * gain).rounded())) }
    }

    static func noiseBurst(_ kind: String, seconds: String, in dir: TemporaryDirectory) throws -> [Int16] {
        let path = dir.file("\(kind)-\(seconds).wav")
        try TestAudio.run(
            "sox", ["-n", "-r", "\(rate)", "-b", "16", "-c", "1", path, "synth", seconds, kind, "vol", "0.3",
                "fade", "q", "0.02", seconds, "0.05"])
        return try WAVFile.read(path: path).samples
    }

    @Test(.timeLimit(.minutes(1)))
    func backchannelsAndNoiseNeverStopTheBotAndInterruptionsStopItWithin150Ms() throws {
        let dir = try TemporaryDirectory(prefix: "barge-in")
        defer { dir.remove() }
        let voices = ["en", "en-us", "en+f3", "en+m3", "en-gb-x-rp"]

        // 20 backchannels and noises: 16 espeak-ng fillers 10 dB below the caller's voice, 4 sox bursts at full level.
        var fillers: [(String, [Int16])] = []
        for voice in voices.prefix(4) {
            for word in ["mm-hmm", "okay", "yeah", "uh-huh"] {
                let speech = try TestAudio.speech(word, sampleRate: Self.rate, in: dir, voice: voice, speed: 170)
                fillers.append(("\(word) (\(voice))", Self.scaled(speech, db: -10)))
            }
        }
        for (kind, seconds) in [("whitenoise", "0.15"), ("pinknoise", "0.3"), ("brownnoise", "0.3"), ("brownnoise", "0.15")] {
            fillers.append(("\(kind) \(seconds) s", try Self.noiseBurst(kind, seconds: seconds, in: dir)))
        }
        #expect(fillers.count == 20)
        var falseStops: [String] = []
        var detector = BargeInDetector()
        for (name, clip) in fillers {
            if let at = Self.firstStop(clip, detector: &detector) { falseStops.append("\(name) at \(at) ms") }
            detector.reset()
        }
        #expect(falseStops.isEmpty, "backchannels that stopped the bot: \(falseStops)")

        // 20 interruptions at the caller's normal level.
        var latencies: [Int] = []
        var missed: [String] = []
        for voice in voices {
            for speed in [150, 165, 180, 200] {
                let clip = try TestAudio.speech("wait, stop, I need billing", sampleRate: Self.rate, in: dir, voice: voice, speed: speed)
                var fresh = BargeInDetector()
                guard let at = Self.firstStop(clip, detector: &fresh) else {
                    missed.append("\(voice) \(speed)")
                    continue
                }
                latencies.append(at - Self.onsetMs(clip))
            }
        }
        #expect(missed.isEmpty, "interruptions that did not stop the bot: \(missed)")
        #expect(latencies.count == 20)
        #expect(latencies.allSatisfy { $0 <= 150 }, "stop latencies after the onset (ms): \(latencies)")
        print("barge-in: 20 backchannels/noises → \(falseStops.count) stops; 20 interruptions → stop latency ms \(latencies.sorted()) (max \(latencies.max() ?? -1))")
    }

    /// The same after the detector learnt the caller's voice from a sentence spoken while the bot was silent
    /// (as on a call: the caller answered a question before the bot spoke again).
    @Test(.timeLimit(.minutes(1)))
    func withTheCallersLevelLearntFirstTheDecisionStillHolds() throws {
        let dir = try TemporaryDirectory(prefix: "barge-in-learnt")
        defer { dir.remove() }
        let sentence = try TestAudio.speech(
            "Hello, I am calling about the invoice I received last week, it looks wrong to me.", sampleRate: Self.rate,
            in: dir)
        var learnt = BargeInDetector()
        var framer = Framer(sampleRate: Self.rate)
        for frame in framer.push(sentence) { _ = learnt.process(frame, botSpeaking: false) }
        let level = learnt.speechLevelDB
        var falseStops: [String] = []
        for voice in ["en", "en-us", "en+f3", "en+m3"] {
            for word in ["mm-hmm", "okay", "yeah", "uh-huh"] {
                let clip = Self.scaled(try TestAudio.speech(word, sampleRate: Self.rate, in: dir, voice: voice, speed: 170), db: -10)
                var detector = learnt
                if let at = Self.firstStop(clip, detector: &detector) { falseStops.append("\(word) (\(voice)) at \(at) ms") }
            }
        }
        #expect(falseStops.isEmpty, "learnt level \(level) dBFS; backchannels that stopped the bot: \(falseStops)")
        var latencies: [Int] = []
        for voice in ["en", "en-us", "en+f3", "en+m3", "en-gb-x-rp"] {
            let clip = try TestAudio.speech("wait, stop, I need billing", sampleRate: Self.rate, in: dir, voice: voice)
            var detector = learnt
            latencies.append((Self.firstStop(clip, detector: &detector) ?? 10_000) - Self.onsetMs(clip))
        }
        #expect(latencies.allSatisfy { $0 <= 150 }, "learnt level \(level) dBFS; stop latencies (ms): \(latencies)")
        print("barge-in with a learnt level of \(Int(level.rounded())) dBFS: \(falseStops.count) false stops, latencies \(latencies)")
    }
}
