import Audio
import Foundation
import SwitchboardTestKit
import Testing

/// The logic of `switchboard audio convert|dtmf|vad`, through the library functions the commands call.
@Suite(.tags(.integration)) struct AudioToolsTests {
    @Test(arguments: [AudioTools.Codec.pcmu, .pcma, .opus])
    func convertRoundTripsThroughCodec(codec: AudioTools.Codec) throws {
        let dir = try TemporaryDirectory(prefix: "convert")
        defer { dir.remove() }
        let path = dir.file("tone.wav")
        try TestAudio.run(
            "sox", ["-n", "-r", "48000", "-c", "2", "-b", "16", path, "synth", "0.5", "sine", "1000", "vol", "0.3"])
        let input = try WAVFile.read(path: path)
        let out = try AudioTools.convert(input, rate: codec == .opus ? 16000 : nil, codec: codec)
        #expect(out.channels == 1)
        #expect(out.sampleRate == (codec == .opus ? 16000 : 8000))
        #expect(out.frameCount == out.sampleRate / 2)
        let level = TestAudio.toneRMS(
            Array(out.samples[(out.samples.count / 4)...]), frequency: 1000, sampleRate: out.sampleRate)
        let reference = TestAudio.toneRMS(
            Array(input.mono()[(input.frameCount / 4)...]), frequency: 1000, sampleRate: 48000)
        #expect(abs(20 * log10(level / reference)) < 1, "\(codec): \(20 * log10(level / reference)) dB")
        try WAVFile.write(out, path: dir.file("out.wav"))
        #expect(try WAVFile.read(path: dir.file("out.wav")) == out)
        #expect(throws: AudioError.self) { try AudioTools.convert(input, rate: 10, codec: codec) }
    }

    @Test func dtmfAndVadOnFiles() throws {
        let dir = try TemporaryDirectory(prefix: "tools")
        defer { dir.remove() }
        // A µ-law file of digits, as recorded from a phone line.
        let digits = DTMF.sequence("159#", toneMs: 80, gapMs: 80, sampleRate: 8000, levelDBm0: -15)
        let pcm = try TestAudio.write(
            ToneGenerator.silence(durationMs: 200, sampleRate: 8000) + digits, sampleRate: 8000, to: dir.file("d.wav"))
        try TestAudio.run("sox", ["-D", pcm, "-e", "u-law", dir.file("d-ulaw.wav")])
        let found = AudioTools.detectDigits(try WAVFile.read(path: dir.file("d-ulaw.wav")))
        #expect(String(found.map(\.digit)) == "159#")
        #expect(abs((found.first?.startMs ?? 0) - 200) <= 15)

        let speech = try TestAudio.speech("Hello there.", sampleRate: 16000, in: dir)
        let file =
            ToneGenerator.silence(durationMs: 500, sampleRate: 16000) + speech
            + ToneGenerator.silence(durationMs: 700, sampleRate: 16000)
        let utterances = AudioTools.detectUtterances(WAVAudio(sampleRate: 16000, samples: file))
        #expect(utterances.count == 1)
        #expect(abs((utterances.first?.startMs ?? 0) - 500) <= 100)
    }

    @Test func framerEmitsTwentyMillisecondFramesWithTimestamps() {
        var framer = Framer(sampleRate: 8000, startMs: 1000)
        var frames: [PCMFrame] = []
        for size in [1, 159, 50, 300, 7] { frames += framer.push([Int16](repeating: 1, count: size)) }
        #expect(frames.map(\.samples.count) == [160, 160, 160])
        #expect(frames.map(\.timestampMs) == [1000, 1020, 1040])
        #expect(framer.pendingCount == 37)
        let last = framer.flush()
        #expect(last?.samples.count == 160)
        #expect(last?.timestampMs == 1060)
        #expect(last?.samples[37] == 0)
        #expect(framer.flush() == nil)
        #expect(PCMFrame.silence(ms: 20, sampleRate: 48000).samples.count == 960)
        #expect(PCMFrame(samples: [0, 0], sampleRate: 8000).durationMs == 0.25)
    }

    @Test func toneGeneratorLevels() {
        let tone = ToneGenerator.sine(
            frequency: 1000, amplitude: ToneGenerator.amplitude(dBm0: 0), durationMs: 100, sampleRate: 8000)
        let peak = tone.map { abs(Int($0)) }.max() ?? 0
        #expect(abs(Double(peak) - ToneGenerator.amplitude(dBm0: 0)) < 1)
        #expect((22_650...22_750).contains(peak))  // 3.17 dB below full scale
        #expect(DTMF.frequencies(of: "#").map { [$0.row, $0.column] } == [941, 1477])
        #expect(DTMF.frequencies(of: "x") == nil)
        #expect(DTMF.tone("x", durationMs: 40, sampleRate: 8000) == nil)
    }
}
