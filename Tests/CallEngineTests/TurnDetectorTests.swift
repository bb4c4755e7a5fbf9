import Audio
import Foundation
import CallEngine
import Flows
import SwitchboardTestKit
import Testing

@Suite("TurnDetector")
struct TurnDetectorTests {
    static let rate = 8000
    var rate: Int { Self.rate }

    /// Index of the first sample louder than `threshold`.
    static func onset(_ samples: [Int16], threshold: Int16 = 400) -> Int {
        samples.firstIndex { abs(Int($0)) > Int(threshold) } ?? 0
    }

    static func frames(_ samples: [Int16]) -> [PCMFrame] {
        var framer = Framer(sampleRate: Self.rate)
        var frames = framer.push(samples)
        if let last = framer.flush() { frames.append(last) }
        return frames
    }

    static func run(
        _ detector: inout TurnDetector, _ samples: [Int16], botSpeaking: Bool = false, interruptible: Bool = true
    ) -> [(atMs: Int, event: TurnDetector.Event)] {
        var out: [(Int, TurnDetector.Event)] = []
        for frame in frames(samples) {
            for event in detector.process(frame, botSpeaking: botSpeaking, interruptible: interruptible) {
                out.append((frame.timestampMs + 20, event))
            }
        }
        return out
    }

    @Test(.tags(.integration)) func cutsThreeUtterancesIntoThreeTurns() throws {
        let dir = try TemporaryDirectory(prefix: "turns")
        defer { dir.remove() }
        let texts = ["I would like to check my balance.", "My PIN is one two three four.", "Thank you, that is all."]
        var track = [Int16](repeating: 0, count: rate / 2)
        var onsets: [Int] = []
        for (i, text) in texts.enumerated() {
            let speech = try TestAudio.speech(text, sampleRate: rate, in: dir, voice: i == 1 ? "en+f3" : "en")
            onsets.append((track.count + Self.onset(speech)) * 1000 / rate)
            track += speech + [Int16](repeating: 0, count: rate * 3 / 2)
        }
        var detector = TurnDetector()
        let events = Self.run(&detector, track)
        let turns = events.compactMap { item -> TurnDetector.Turn? in
            if case .turnEnded(let turn) = item.event { return turn }
            return nil
        }
        #expect(turns.count == 3)
        #expect(!events.contains { if case .bargeIn = $0.event { return true } else { return false } })
        for (turn, onset) in zip(turns, onsets) {
            #expect(abs(turn.startMs - onset) <= 100, "turn start \(turn.startMs) vs onset \(onset)")
            #expect(turn.endedBy == .silence)
            #expect(turn.durationMs > 800)
            let wav = turn.wav(sampleRate: 16000)
            let parsed = try WAVParser.parse(wav)
            #expect(parsed.sampleRate == 16000)
            #expect(parsed.samples.count > 16 * turn.durationMs)
        }
    }

    @Test func aCoughLikeBurstIsNotATurn() {
        var generator = SystemRandomNumberGenerator()
        var track = [Int16](repeating: 0, count: rate)
        // 60 ms of loud noise, then silence; then a 150 ms "umm"-like tone: neither opens a turn.
        track += (0..<(rate * 60 / 1000)).map { _ in Int16.random(in: -12000...12000, using: &generator) }
        track += [Int16](repeating: 0, count: rate)
        let rateD = Double(rate)
        let umm: [Int16] = (0..<(rate * 150 / 1000)).map { i in
            let phase = 2 * Double.pi * 180 * Double(i) / rateD
            return Int16(6000 * sin(phase))
        }
        track += umm
        track += [Int16](repeating: 0, count: rate * 2)
        var detector = TurnDetector()
        let events = Self.run(&detector, track)
        #expect(!events.contains { if case .turnEnded = $0.event { return true } else { return false } })
        #expect(!events.contains { if case .speechStarted = $0.event { return true } else { return false } })
        // The 60 ms burst does not even count as barge-in over the bot.
        var overBot = TurnDetector()
        let burst: [Int16] = Array(track[rate..<(rate + rate * 60 / 1000)])
        var noise = [Int16](repeating: 0, count: rate)
        noise += burst
        noise += [Int16](repeating: 0, count: rate)
        #expect(Self.run(&overBot, noise, botSpeaking: true).isEmpty)
    }

    /// "Stop" begins with an unvoiced /st/: the barge-in decision (BargeInDetector) waits for voice, so the bot
    /// stops about 100 ms after the vowel's onset, about 230 ms after the /s/ (voiced onsets: BargeInDetectorTests,
    /// within 150 ms).
    @Test(.tags(.integration)) func bargeInFiresSoonAfterTheSpeechOnset() throws {
        let dir = try TemporaryDirectory(prefix: "bargein")
        defer { dir.remove() }
        let speech = try TestAudio.speech("Stop, I want to talk to a person.", sampleRate: rate, in: dir)
        let track = [Int16](repeating: 0, count: rate) + speech + [Int16](repeating: 0, count: rate)
        let onsetMs = (rate + Self.onset(speech)) * 1000 / rate
        var detector = TurnDetector()
        let events = Self.run(&detector, track, botSpeaking: true)
        let bargeIn = events.first { if case .bargeIn = $0.event { return true } else { return false } }
        let detectedAt = try #require(bargeIn).atMs
        #expect(detectedAt - onsetMs <= 250, "barge-in detected at \(detectedAt) ms, onset \(onsetMs) ms")
        #expect(detectedAt > onsetMs)
        #expect(events.contains { if case .turnEnded(let t) = $0.event { return t.bargedIn } else { return false } })
        // Not interruptible: no barge-in, but the caller's turn is still cut.
        var strict = TurnDetector()
        let strictEvents = Self.run(&strict, track, botSpeaking: true, interruptible: false)
        #expect(!strictEvents.contains { if case .bargeIn = $0.event { return true } else { return false } })
        #expect(strictEvents.contains { if case .turnEnded = $0.event { return true } else { return false } })
    }

    /// A flow's `barge_in: false` reaches the detector: the same interruption never stops the bot, and its turn
    /// is still cut; thresholds given by the flow replace the defaults.
    @Test(.tags(.integration)) func aFlowCanTurnBargeInOffOrChangeItsThresholds() throws {
        let dir = try TemporaryDirectory(prefix: "bargein-off")
        defer { dir.remove() }
        let speech = try TestAudio.speech("Wait, stop, I need billing.", sampleRate: rate, in: dir)
        let track = [Int16](repeating: 0, count: rate) + speech + [Int16](repeating: 0, count: rate)
        let off = TurnDetector.Configuration().applying(FlowBargeIn(enabled: false))
        #expect(off.bargeIn == nil)
        var detector = TurnDetector(configuration: off)
        let events = Self.run(&detector, track, botSpeaking: true)
        #expect(!events.contains { if case .bargeIn = $0.event { return true } else { return false } })
        #expect(events.contains { if case .turnEnded = $0.event { return true } else { return false } })
        let tuned = TurnDetector.Configuration().applying(FlowBargeIn(minSpeechMs: 200, loudnessMarginDB: 9))
        #expect(tuned.bargeIn?.minSpeechMs == 200 && tuned.bargeIn?.loudnessMarginDB == 9)
        #expect(tuned.bargeIn?.sustainedSpeechMs == BargeInDetector.Configuration().sustainedSpeechMs)
    }
}
