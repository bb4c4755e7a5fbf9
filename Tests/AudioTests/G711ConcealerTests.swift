// G.711 packet-loss concealment (issue 13) on real speech from espeak-ng: lost 20 ms frames are filled from
// the last pitch periods, keeping the lost speech's level and periodicity where silence was played before;
// long losses fade to silence after 60 ms; comfort noise comes out at the level its CN packet gave.
import Audio
import Foundation
import SwitchboardTestKit
import Testing

@Suite struct G711ConcealerTests {
    static func energy(_ samples: some Collection<Int16>) -> Double {
        samples.reduce(0.0) { $0 + Double($1) * Double($1) }
    }

    /// Highest normalised cross-correlation of `a` against `b` over shifts of up to ±20 samples (2.5 ms).
    static func bestCorrelation(_ a: [Int16], _ b: [Int16]) -> Double {
        var best = -1.0
        for shift in -20...20 {
            var ab = 0.0
            var aa = 0.0
            var bb = 0.0
            for i in 0..<a.count where i + shift >= 0 && i + shift < b.count {
                let x = Double(a[i])
                let y = Double(b[i + shift])
                ab += x * y
                aa += x * x
                bb += y * y
            }
            if aa > 0, bb > 0 { best = max(best, ab / (aa * bb).squareRoot()) }
        }
        return best
    }

    /// Speech through µ-law, as a caller sends it, cut into 20 ms frames.
    static func speechFrames(in dir: TemporaryDirectory) throws -> [[Int16]] {
        let speech = try TestAudio.speech(
            "Hello, I would like to check the balance of my account please, number four five six.", in: dir)
        let decoded = G711.ulaw.decode(G711.ulaw.encode(speech))
        return stride(from: 0, to: decoded.count - 159, by: 160).map { Array(decoded[$0..<($0 + 160)]) }
    }

    /// Plays `frames` through a concealer, losing those in `lost`; returns what would be played.
    static func play(_ frames: [[Int16]], losing lost: Set<Int>) -> [[Int16]] {
        var concealer = G711Concealer()
        var out: [[Int16]] = []
        for (i, frame) in frames.enumerated() {
            var buffer = lost.contains(i) ? [Int16](repeating: 0, count: 160) : frame
            buffer.withUnsafeMutableBufferPointer { b in
                if lost.contains(i) { concealer.conceal(into: b) } else { concealer.received(b) }
            }
            out.append(buffer)
        }
        return out
    }

    @Test(.tags(.integration)) func lostSpeechFramesAreConcealedFarBetterThanSilence() throws {
        let dir = try TemporaryDirectory(prefix: "plc")
        defer { dir.remove() }
        let frames = try Self.speechFrames(in: dir)
        // Lose every 7th voiced frame (voiced: clearly above the quiet parts), one at a time.
        let loud = frames.indices.filter { i in
            i > 3 && TestAudio.rms(frames[i]) > 1500 && TestAudio.rms(frames[i - 1]) > 1500
        }
        let lost = Set(loud.enumerated().filter { $0.offset % 7 == 0 }.map(\.element))
        #expect(lost.count >= 8, "espeak gave \(loud.count) voiced frames")
        let played = Self.play(frames, losing: lost)
        // Speech PLC is judged by what a listener (and a VAD) gets, not by waveform SNR (the repeated period
        // drifts out of phase): the lost frame keeps its level and its periodicity instead of dropping out.
        var levelMatched = 0
        var correlation = 0.0
        for i in lost {
            let dB = 20 * log10(max(1, TestAudio.rms(played[i])) / max(1, TestAudio.rms(frames[i])))
            if dB > -6 && dB < 3 { levelMatched += 1 }
            correlation += Self.bestCorrelation(Array(played[i].prefix(80)), Array(frames[i].prefix(80)))
        }
        correlation /= Double(lost.count)
        print("PLC: \(levelMatched)/\(lost.count) lost frames within -6…+3 dB, mean best correlation \(correlation)")
        #expect(Double(levelMatched) >= 0.6 * Double(lost.count), "\(levelMatched) of \(lost.count) at the right level")
        #expect(correlation > 0.5, "mean best correlation \(correlation)")
        // Frames that arrived are played as they came, except the cross-faded start of the one after a loss.
        for i in frames.indices where !lost.contains(i) {
            let from = lost.contains(i - 1) ? 80 : 0
            #expect(Array(played[i][from...]) == Array(frames[i][from...]), "frame \(i) changed")
        }
        // And that cross-fade makes the joint smoother than the jump from silence back into speech.
        var jumpPLC = 0.0
        var jumpSilence = 0.0
        for i in lost where i + 1 < frames.count && !lost.contains(i + 1) {
            jumpPLC += abs(Double(played[i + 1][0]) - Double(played[i][159]))
            jumpSilence += abs(Double(frames[i + 1][0]))
        }
        #expect(jumpPLC < jumpSilence)
    }

    @Test(.tags(.integration)) func aLongLossFadesToSilenceAfterSixtyMilliseconds() throws {
        let dir = try TemporaryDirectory(prefix: "plc-long")
        defer { dir.remove() }
        let frames = try Self.speechFrames(in: dir)
        let start = try #require(frames.indices.first { $0 > 3 && TestAudio.rms(frames[$0 - 1]) > 1500 })
        let played = Self.play(frames, losing: Set(start..<(start + 6)))
        #expect(TestAudio.rms(played[start]) > 300, "the first lost frame carries on the speech")
        #expect(TestAudio.rms(played[start + 1]) < TestAudio.rms(played[start]) * 1.2)
        // 60 ms after the loss began (frames start+3 on) nothing is left.
        for i in (start + 3)..<(start + 6) { #expect(played[i].allSatisfy { $0 == 0 }, "frame \(i - start) of the loss") }
    }

    @Test(.tags(.integration)) func pitchOfAToneIsFoundAndContinuedInPhase() throws {
        let dir = try TemporaryDirectory(prefix: "plc-tone")
        defer { dir.remove() }
        // A 200 Hz tone from sox: a 40-sample period at 8 kHz.
        let path = dir.file("tone.wav")
        try TestAudio.run("sox", ["-n", "-r", "8000", "-b", "16", "-c", "1", path, "synth", "0.5", "sine", "200", "vol", "0.5"])
        let tone = try WAVFile.read(path: path).samples
        let frames = stride(from: 0, to: tone.count - 159, by: 160).map { Array(tone[$0..<($0 + 160)]) }
        var concealer = G711Concealer()
        for i in 0..<10 { var f = frames[i]; f.withUnsafeMutableBufferPointer { concealer.received($0) } }
        var out = [Int16](repeating: 0, count: 160)
        out.withUnsafeMutableBufferPointer { concealer.conceal(into: $0) }
        #expect([40, 80, 120].contains(concealer.pitchPeriod))
        // The first 10 ms (unattenuated) continue the tone almost exactly.
        let error = zip(out.prefix(80), frames[10].prefix(80)).map { Double($0) - Double($1) }
        let snr = 10 * log10(Self.energy(frames[10].prefix(80)) / max(1, error.reduce(0) { $0 + $1 * $1 }))
        #expect(snr > 20, "tone continued at \(snr) dB SNR")
    }

    @Test func comfortNoiseHasTheLevelOfItsPacket() {
        var noise = ComfortNoise()
        for level in [UInt8(30), 50, 70] {
            var frame = [Int16](repeating: 0, count: 8000)
            frame.withUnsafeMutableBufferPointer { noise.fill($0, level: level) }
            let rms = TestAudio.rms(frame)
            let dB = 20 * log10(rms / 32767)
            #expect(abs(dB + Double(level)) < 1, "level \(level): \(dB) dBov")
        }
        var silent = [Int16](repeating: 1, count: 160)
        silent.withUnsafeMutableBufferPointer { noise.fill($0, level: 127) }
        #expect(TestAudio.rms(silent) < 2)
    }
}
