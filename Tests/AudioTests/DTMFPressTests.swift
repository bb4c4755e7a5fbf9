import Audio
import Foundation
import SwitchboardTestKit
import Testing

/// One key press must be one digit: DTMF tones as a caller's phone sends them (through G.711 µ-law, in 20 ms
/// RTP frames), including dropouts inside a press and fast dialing at the ITU-T Q.24 minimums.
@Suite(.tags(.integration)) struct DTMFPressTests {
    /// µ-law round trip, then 20 ms frames stamped on the media clock, as CallMediaSession feeds the detector.
    static func detect(_ samples: [Int16], law: Bool = true) -> [DTMFDigit] {
        let wire = law ? G711.ulaw.decode(G711.ulaw.encode(samples)) : samples
        var detector = DTMFDetector(sampleRate: 8000)
        var out: [DTMFDigit] = []
        var i = 0
        while i < wire.count {
            let end = min(wire.count, i + 160)
            wire[i..<end].withUnsafeBufferPointer { out += detector.process($0, timestampMs: i / 8) }
            i = end
        }
        return out
    }

    /// Low line noise (about -50 dBm0) with `tone` laid in at `at` samples.
    static func onLine(_ tone: [Int16], at: Int, total: Int = 8000) -> [Int16] {
        var s = TestAudio.whiteNoise(count: max(total, at + tone.count + 800), rms: 25)
        s.replaceSubrange(at..<(at + tone.count), with: tone)
        return s
    }

    /// A dual tone made by sox (`synth … sine 697 sine 1209`), each tone about -10 dBm0.
    static func soxTone(_ digit: Character, ms: Int, in dir: TemporaryDirectory) throws -> [Int16] {
        let f = try #require(DTMF.frequencies(of: digit))
        let path = dir.file("\(UUID().uuidString).wav")
        try TestAudio.run(
            "sox",
            [
                "-n", "-r", "8000", "-b", "16", "-c", "1", path, "synth", String(format: "%.3f", Double(ms) / 1000),
                "sine", "\(Int(f.row))", "sine", "\(Int(f.column))", "vol", "0.316",
            ])
        return try WAVFile.read(path: path).samples
    }

    @Test func oneSoxPressOf120msIsOneDigitAtAnyAlignment() throws {
        let dir = try TemporaryDirectory(prefix: "dtmf-press")
        defer { dir.remove() }
        let tone = try Self.soxTone("1", ms: 120, in: dir)
        #expect(tone.count == 960)
        for offset in stride(from: 0, to: 160, by: 7) {
            let found = Self.detect(Self.onLine(tone, at: 4000 + offset))
            #expect(found.map(\.digit) == ["1"], "offset \(offset): \(found)")
            if let d = found.first { #expect(abs(d.startMs - (4000 + offset) / 8) <= 10, "\(d)") }
        }
    }

    @Test func aLost20msPacketInsideAPressDoesNotReportItTwice() throws {
        let tone = try #require(DTMF.tone("1", durationMs: 120, sampleRate: 8000))
        for offset in stride(from: 0, to: 160, by: 17) {
            for hole in stride(from: 160, through: 640, by: 40) {
                var s = Self.onLine(tone, at: 4000 + offset)
                // The jitter buffer plays a missing G.711 packet as 20 ms of silence.
                let frameStart = (4000 + offset + hole) / 160 * 160
                for k in frameStart..<(frameStart + 160) { s[k] = 0 }
                let found = Self.detect(s)
                #expect(found.map(\.digit) == ["1"], "offset \(offset), hole at \(hole): \(found)")
            }
        }
    }

    @Test func fastDialing50msOn50msOffGivesEveryDigitOnce() throws {
        let dir = try TemporaryDirectory(prefix: "dtmf-press")
        defer { dir.remove() }
        for digits in ["123#", "1111", "5599*0"] {
            var s = ToneGenerator.silence(durationMs: 200, sampleRate: 8000)
            for d in digits {
                s += try Self.soxTone(d, ms: 50, in: dir)
                s += ToneGenerator.silence(durationMs: 50, sampleRate: 8000)
            }
            for offset in stride(from: 0, to: 160, by: 23) {
                let line = Self.onLine(s, at: offset, total: s.count + offset + 800)
                let found = Self.detect(line)
                #expect(String(found.map(\.digit)) == digits, "offset \(offset): \(found)")
            }
        }
        // Q.24 minimums: 40 ms tone, 40 ms pause, same digit repeated.
        let minimal = DTMF.sequence("1111", toneMs: 40, gapMs: 40, sampleRate: 8000, levelDBm0: -20)
        #expect(String(Self.detect(Self.onLine(minimal, at: 800)).map(\.digit)) == "1111")
    }

    @Test func aTwoSecondPressIsOneDigit() throws {
        let dir = try TemporaryDirectory(prefix: "dtmf-press")
        defer { dir.remove() }
        let tone = try Self.soxTone("#", ms: 2000, in: dir)
        #expect(Self.detect(Self.onLine(tone, at: 1234, total: 24000)).map(\.digit) == ["#"])
        // Even with a lost packet every 300 ms.
        var lossy = Self.onLine(tone, at: 1234, total: 24000)
        for start in stride(from: 1234 + 2400, to: 1234 + 15000, by: 2400) {
            for k in (start / 160 * 160)..<(start / 160 * 160 + 160) { lossy[k] = 0 }
        }
        #expect(Self.detect(lossy).map(\.digit) == ["#"])
    }

    @Test func speechGivesNoDigits() throws {
        let dir = try TemporaryDirectory(prefix: "dtmf-press")
        defer { dir.remove() }
        let speech = try TestAudio.speech(
            "One two three. Press one for billing, two for support, or hold for an operator.", in: dir)
        #expect(speech.count > 8000)
        #expect(Self.detect(speech).isEmpty)
        #expect(Self.detect(speech, law: false).isEmpty)
    }
}
