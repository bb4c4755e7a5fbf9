import Audio
import Foundation
import SwitchboardTestKit
import Testing

@Suite struct DTMFTests {
    static func detect(_ samples: [Int16], rate: Int = 8000, frameMs: Int = 20) -> [DTMFDigit] {
        var detector = DTMFDetector(sampleRate: rate)
        var framer = Framer(sampleRate: rate, frameMs: frameMs)
        var digits: [DTMFDigit] = []
        for f in framer.push(samples) { digits += detector.process(f) }
        if let f = framer.flush() { digits += detector.process(f) }
        return digits
    }

    @Test(arguments: [8000, 16000, 48000])
    func allSixteenDigitsAt25dBm0And40ms(rate: Int) {
        let all = String(DTMF.digits)
        let signal = DTMF.sequence(all, toneMs: 40, gapMs: 40, sampleRate: rate, levelDBm0: -25)
        let found = Self.detect(signal, rate: rate)
        #expect(String(found.map(\.digit)) == all)
        for (i, d) in found.enumerated() {
            #expect(abs(d.startMs - i * 80) <= 15, "\(d.digit) at \(d.startMs) ms, expected \(i * 80)")
        }
    }

    @Test func louderTwistedAndAfterG711AndResampling() throws {
        let all = String(DTMF.digits)
        for level in [-25.0, -15, -3] {
            let s = DTMF.sequence(all, toneMs: 50, gapMs: 50, sampleRate: 8000, levelDBm0: level)
            #expect(String(Self.detect(s).map(\.digit)) == all, "at \(level) dBm0")
            let law = G711.alaw.decode(G711.alaw.encode(s))
            #expect(String(Self.detect(law).map(\.digit)) == all, "A-law at \(level) dBm0")
        }
        for twist in [-4.0, 4] {
            var s: [Int16] = []
            for d in DTMF.digits {
                s += DTMF.tone(d, durationMs: 60, sampleRate: 8000, levelDBm0: -20, twistDB: twist) ?? []
                s += ToneGenerator.silence(durationMs: 60, sampleRate: 8000)
            }
            #expect(String(Self.detect(s).map(\.digit)) == all, "twist \(twist) dB")
        }
        // 24 kHz model audio resampled to 8 kHz.
        let s24 = DTMF.sequence("159#", toneMs: 60, gapMs: 60, sampleRate: 24000, levelDBm0: -20)
        let s8 = try Resampler.resample(s24, from: 24000, to: 8000)
        #expect(String(Self.detect(s8).map(\.digit)) == "159#")
    }

    @Test func rejectsShortQuietAndSingleTones() {
        let short = DTMF.sequence("123", toneMs: 20, gapMs: 60, sampleRate: 8000, levelDBm0: -10)
        #expect(Self.detect(short).isEmpty)
        let quiet = DTMF.sequence("123", toneMs: 100, gapMs: 60, sampleRate: 8000, levelDBm0: -45)
        #expect(Self.detect(quiet).isEmpty)
        let single = ToneGenerator.sine(frequency: 770, amplitude: 8000, durationMs: 300, sampleRate: 8000)
        #expect(Self.detect(single).isEmpty)
        let badTwist = DTMF.tone("5", durationMs: 200, sampleRate: 8000, levelDBm0: -10, twistDB: 14) ?? []
        #expect(Self.detect(badTwist).isEmpty)
        // A held key is one digit; a digit repeated after a gap is two.
        let held = DTMF.tone("7", durationMs: 1500, sampleRate: 8000) ?? []
        #expect(Self.detect(held).map(\.digit) == ["7"])
        #expect(Self.detect(DTMF.sequence("77", sampleRate: 8000)).map(\.digit) == ["7", "7"])
    }

    @Test(.tags(.integration)) func noDigitsInThirtySecondsOfSpeech() throws {
        let speech = try TestAudio.longSpeech()
        #expect(speech.count >= 8000 * 28, "speech is \(speech.count / 8000) s")
        #expect(Self.detect(speech).isEmpty)
        // And none after a µ-law round trip, as on a phone line.
        #expect(Self.detect(G711.ulaw.decode(G711.ulaw.encode(speech))).isEmpty)
    }

    @Test(.tags(.integration)) func digitsInSpeechGapsAreFound() throws {
        let dir = try TemporaryDirectory(prefix: "dtmf")
        defer { dir.remove() }
        let a = try TestAudio.speech("Please enter your account number followed by the pound key.", in: dir)
        let b = try TestAudio.speech("Thank you. One moment please.", in: dir)
        let gap = ToneGenerator.silence(durationMs: 100, sampleRate: 8000)
        let digits = DTMF.sequence("4071#", toneMs: 70, gapMs: 70, sampleRate: 8000, levelDBm0: -20)
        let signal = a + gap + digits + gap + b
        let found = Self.detect(signal)
        #expect(String(found.map(\.digit)) == "4071#")
        let startMs = (a.count + gap.count) * 1000 / 8000
        #expect(abs((found.first?.startMs ?? 0) - startMs) <= 15)
    }
}
