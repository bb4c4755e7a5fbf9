import Audio
import Foundation
import SwitchboardTestKit
import Testing

@Suite(.tags(.integration)) struct WAVTests {
    static let tone = ToneGenerator.sine(frequency: 440, amplitude: 8000, durationMs: 100, sampleRate: 16000)

    static func chunk(_ id: String, _ body: [UInt8]) -> [UInt8] {
        var out = Array(id.utf8)
        withUnsafeBytes(of: UInt32(body.count).littleEndian) { out += $0 }
        out += body
        if body.count % 2 == 1 { out.append(0) }
        return out
    }

    static func riff(_ chunks: [UInt8]) -> [UInt8] {
        var out = Array("RIFF".utf8)
        withUnsafeBytes(of: UInt32(4 + chunks.count).littleEndian) { out += $0 }
        return out + Array("WAVE".utf8) + chunks
    }

    static func fmt(tag: UInt16 = 1, channels: UInt16 = 1, rate: UInt32 = 8000, bits: UInt16 = 16, extra: [UInt8] = [])
        -> [UInt8]
    {
        var b: [UInt8] = []
        let align = channels * bits / 8
        withUnsafeBytes(of: tag.littleEndian) { b += $0 }
        withUnsafeBytes(of: channels.littleEndian) { b += $0 }
        withUnsafeBytes(of: rate.littleEndian) { b += $0 }
        withUnsafeBytes(of: (rate * UInt32(align)).littleEndian) { b += $0 }
        withUnsafeBytes(of: align.littleEndian) { b += $0 }
        withUnsafeBytes(of: bits.littleEndian) { b += $0 }
        return chunk("fmt ", b + extra)
    }

    static func pcm(_ s: [Int16]) -> [UInt8] { s.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } } }

    @Test func writeThenReadRoundTrips() throws {
        let stereo = WAVAudio(sampleRate: 44100, channels: 2, samples: [1, -1, 300, -300, 32767, -32768])
        #expect(try WAVParser.parse(WAVFile.serialize(stereo)) == stereo)
        #expect(stereo.mono() == [0, 0, 0])  // averages truncate toward zero
        let mono = WAVAudio(sampleRate: 16000, samples: Self.tone)
        let dir = try TemporaryDirectory(prefix: "wav")
        defer { dir.remove() }
        try WAVFile.write(mono, path: dir.file("a.wav"))
        #expect(try WAVFile.read(path: dir.file("a.wav")) == mono)
        // sox agrees on what we wrote.
        let info = try TestAudio.run("soxi", [dir.file("a.wav")])
        #expect(info.contains("Sample Rate    : 16000"))
        #expect(info.contains("1600 samples"))
    }

    @Test func readsSoxFilesWithExtraChunksStereoAndOtherRates() throws {
        let dir = try TemporaryDirectory(prefix: "wavsox")
        defer { dir.remove() }
        let path = dir.file("stereo.wav")
        try TestAudio.run(
            "sox",
            [
                "-n", "-r", "22050", "-c", "2", "-b", "16", "--comment", "made by sox", path, "synth", "0.25", "sine",
                "500",
            ])
        let audio = try WAVFile.read(path: path)
        #expect(audio.sampleRate == 22050)
        #expect(audio.channels == 2)
        #expect(audio.frameCount == 5512 || audio.frameCount == 5513)
        let p8 = dir.file("u8.wav")
        try TestAudio.run(
            "sox", ["-n", "-r", "8000", "-c", "1", "-b", "8", "-e", "unsigned", p8, "synth", "0.1", "sine", "500"])
        #expect(try WAVFile.read(path: p8).encoding == .pcm8)
        // Written to a pipe, sox cannot seek back and leaves a placeholder data length: read to the end.
        let piped = dir.file("piped.wav")
        try TestAudio.run("sh", ["-c", "sox -n -r 8000 -b 16 -c 1 -t wav - synth 0.1 sine 440 2>/dev/null > '\(piped)'"])
        #expect(try WAVFile.read(path: piped).frameCount == 800)
    }

    @Test func handlesListChunkOddPaddingExtensibleAndDataBeforeFmt() throws {
        let samples: [Int16] = [10, 20, 30]
        let list = Self.chunk("LIST", Array("INFOISFT\u{5}\0\0\0abcd\0".utf8))  // odd size → padded
        let odd = Self.chunk("junk", [1, 2, 3])
        let file = Self.riff(Self.fmt() + list + odd + Self.chunk("data", Self.pcm(samples)))
        #expect(try WAVParser.parse(file).samples == samples)
        // WAVE_FORMAT_EXTENSIBLE with the PCM sub-format GUID.
        var ext: [UInt8] = [22, 0, 16, 0, 4, 0, 0, 0]  // cbSize, valid bits, channel mask
        ext += [1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71]
        let extFile = Self.riff(Self.fmt(tag: 0xFFFE, extra: ext) + Self.chunk("data", Self.pcm(samples)))
        #expect(try WAVParser.parse(extFile).samples == samples)
        let reversed = Self.riff(Self.chunk("data", Self.pcm(samples)) + Self.fmt())
        #expect(try WAVParser.parse(reversed).samples == samples)
    }

    func error(_ bytes: [UInt8]) -> AudioError? {
        do {
            _ = try WAVParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func malformedFilesGiveErrorsNamingTheProblem() throws {
        let good = WAVFile.serialize(WAVAudio(sampleRate: 8000, samples: [Int16](repeating: 5, count: 16000)))
        let truncated = error(Array(good.prefix(1044)))
        #expect(truncated?.code == .wavTruncated)
        #expect(truncated?.message == "data chunk truncated: 1000 of 32000 bytes")
        var magic = good
        magic[0] = UInt8(ascii: "X")
        #expect(error(magic)?.code == .wavBadMagic)
        var wave = good
        wave[8] = UInt8(ascii: "A")
        #expect(error(wave)?.code == .wavBadMagic)
        #expect(error(Array(good.prefix(8)))?.code == .wavTruncated)
        #expect(error([])?.code == .wavTruncated)
        let zeroChannels = Self.riff(Self.fmt(channels: 0) + Self.chunk("data", [0, 0]))
        #expect(error(zeroChannels)?.message.contains("zero channels") == true)
        let shortFmt = Self.riff(Self.chunk("fmt ", [1, 0, 1, 0]) + Self.chunk("data", [0, 0]))
        #expect(error(shortFmt)?.code == .wavBadFormat)
        let float = Self.riff(Self.fmt(tag: 3, bits: 32) + Self.chunk("data", [0, 0, 0, 0]))
        #expect(error(float)?.code == .wavUnsupported)
        var badAlign = Self.fmt()
        badAlign[20] = 7
        #expect(error(Self.riff(badAlign + Self.chunk("data", [0, 0])))?.code == .wavBadFormat)
        #expect(error(Self.riff(Self.fmt()))?.code == .wavNoData)
        #expect(error(Self.riff(Self.chunk("data", [0, 0])))?.code == .wavBadFormat)
        #expect(throws: AudioError.self) { try WAVFile.read(path: "/nonexistent/file.wav") }
    }

    @Test func everyPrefixAndCorruptionEitherParsesOrThrows() {
        let file = Self.riff(Self.fmt() + Self.chunk("LIST", [1, 2, 3]) + Self.chunk("data", Self.pcm([1, 2, 3, 4])))
        for n in 0...file.count { _ = try? WAVParser.parse(Array(file.prefix(n))) }
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            var b = file
            for _ in 0..<3 { b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            _ = try? WAVParser.parse(b)
        }
    }
}
