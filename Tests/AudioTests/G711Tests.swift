import Audio
import Foundation
import SwitchboardTestKit
import Testing

/// G.711 against sox: the same 16-bit input, encoded by sox (no dither) and by us, must give the same bytes.
@Suite(.tags(.integration)) struct G711Tests {
    /// Every 16-bit value once, as a WAV sox can read.
    static let allValues: [Int16] = (Int(Int16.min)...Int(Int16.max)).map { Int16($0) }

    func soxEncode(_ samples: [Int16], encoding: String, dir: TemporaryDirectory) throws -> [UInt8] {
        let input = try TestAudio.write(samples, sampleRate: 8000, to: dir.file("in-\(encoding).wav"))
        let raw = dir.file("out-\(encoding).raw")
        try TestAudio.run("sox", ["-D", input, "-t", "raw", "-e", encoding, "-b", "8", raw])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
    }

    @Test(arguments: [G711.ulaw, G711.alaw])
    func encodeMatchesSoxForEveryValue(law: G711) throws {
        let dir = try TemporaryDirectory(prefix: "g711")
        defer { dir.remove() }
        let expected = try soxEncode(Self.allValues, encoding: law == .ulaw ? "u-law" : "a-law", dir: dir)
        let ours = law.encode(Self.allValues)
        #expect(expected.count == ours.count)
        let mismatch = zip(expected, ours).enumerated().first { $0.element.0 != $0.element.1 }.map {
            Int(Self.allValues[$0.offset])
        }
        #expect(mismatch == nil, "first mismatch at sample value \(mismatch ?? 0)")
    }

    @Test(arguments: [G711.ulaw, G711.alaw])
    func decodeMatchesSoxForEveryCode(law: G711) throws {
        let dir = try TemporaryDirectory(prefix: "g711d")
        defer { dir.remove() }
        let codes = (0...255).map { UInt8($0) }
        let raw = dir.file("codes.raw")
        try Data(codes).write(to: URL(fileURLWithPath: raw))
        let out = dir.file("decoded.wav")
        let enc = law == .ulaw ? "u-law" : "a-law"
        try TestAudio.run(
            "sox",
            ["-t", "raw", "-r", "8000", "-c", "1", "-e", enc, "-b", "8", raw, "-b", "16", "-e", "signed-integer", out])
        let soxDecoded = try WAVFile.read(path: out).samples
        let same = soxDecoded == law.decode(codes)
        #expect(same, "decoded codes differ from sox")
    }

    @Test(arguments: [G711.ulaw, G711.alaw])
    func speechMatchesSoxAndReadsBackFromLawWAV(law: G711) throws {
        let dir = try TemporaryDirectory(prefix: "g711s")
        defer { dir.remove() }
        let speech = try TestAudio.speech("Press one for sales, two for support.", in: dir)
        let input = try TestAudio.write(speech, sampleRate: 8000, to: dir.file("speech.wav"))
        let lawWAV = dir.file("speech-law.wav")
        try TestAudio.run("sox", ["-D", input, "-e", law == .ulaw ? "u-law" : "a-law", lawWAV])
        // sox writes fmt with cbSize and a fact chunk; our parser must decode it exactly as we would.
        let read = try WAVFile.read(path: lawWAV)
        #expect(read.encoding == (law == .ulaw ? .ulaw : .alaw))
        let expected = law.decode(law.encode(speech))
        #expect(read.samples.count == expected.count)
        let differing = zip(read.samples, expected).filter { $0 != $1 }.count
        #expect(differing == 0)
    }

    @Test func tableMatchesScalarAndRoundTripIsIdempotent() {
        for law in G711.allCases {
            for code in 0...255 {
                let v = law.decode(UInt8(code))
                // Decoding then encoding a code gives the code back (except the two zeros of µ-law).
                let again = law.encode(v)
                #expect(law.decode(again) == v)
            }
        }
        for s in stride(from: -32768, through: 32767, by: 7) {
            #expect(G711.ulaw.encode(Int16(s)) == G711.ulawEncodeScalar(Int16(s)))
            #expect(G711.alaw.encode(Int16(s)) == G711.alawEncodeScalar(Int16(s)))
        }
        #expect(G711.ulaw.encode(0) == 0xFF)
        #expect(G711.alaw.encode(0) == 0xD5)
    }
}
