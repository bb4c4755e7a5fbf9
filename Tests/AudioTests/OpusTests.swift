import Audio
import Foundation
import SwitchboardTestKit
import Testing

@Suite struct OpusTests {
    static func db(_ a: Double, _ b: Double) -> Double { 20 * log10(a / b) }

    /// Encodes `signal` in 20 ms frames; returns the packets.
    static func encode(_ signal: [Int16], _ encoder: Opus.Encoder) throws -> [[UInt8]] {
        stride(from: 0, to: signal.count - encoder.frameSize + 1, by: encoder.frameSize).compactMap { i in
            try? encoder.encode(Array(signal[i..<i + encoder.frameSize]))
        }
    }

    @Test func toneRoundTripKeepsLevelWithin1dB() throws {
        let tone = ToneGenerator.sine(frequency: 1000, amplitude: 10000, durationMs: 1000, sampleRate: 48000)
        let encoder = try Opus.Encoder(bitrate: 32000, complexity: 5)
        let decoder = try Opus.Decoder()
        let packets = try Self.encode(tone, encoder)
        #expect(packets.count == 50)
        var out: [Int16] = []
        for p in packets { out += try decoder.decode(p) }
        #expect(out.count == tone.count)
        let tail = Array(out[9600...])  // skip the codec's start-up
        let level = TestAudio.toneRMS(tail, frequency: 1000, sampleRate: 48000)
        let reference = TestAudio.toneRMS(Array(tone[9600...]), frequency: 1000, sampleRate: 48000)
        #expect(abs(Self.db(level, reference)) < 1, "level \(Self.db(level, reference)) dB")
        #expect(try encoder.bitrate() == 32000)
    }

    @Test func lostPacketIsConcealedAndFollowingFramesAreFine() throws {
        let tone = ToneGenerator.sine(frequency: 1000, amplitude: 10000, durationMs: 1000, sampleRate: 48000)
        let encoder = try Opus.Encoder(complexity: 5)
        try encoder.setFEC(true, expectedLossPercent: 20)
        let decoder = try Opus.Decoder()
        let packets = try Self.encode(tone, encoder)
        let reference = TestAudio.toneRMS(Array(tone[0..<960]), frequency: 1000, sampleRate: 48000)
        var after: [Int16] = []
        for (i, p) in packets.enumerated() {
            let frame = try decoder.decode(i == 25 ? nil : p)
            #expect(frame.count == 960)
            if i == 25 {
                #expect(TestAudio.rms(frame) > reference * 0.3, "PLC frame is (nearly) silent")
            } else if i > 26 {
                // Each following frame carries the tone (within 1.5 dB while the decoder settles) …
                let level = TestAudio.toneRMS(frame, frequency: 1000, sampleRate: 48000)
                #expect(abs(Self.db(level, reference)) < 1.5, "frame \(i): \(Self.db(level, reference)) dB")
                if i >= 30 { after += frame }
            }
        }
        // … and from 100 ms after the loss the level is back within 1 dB.
        let settled = TestAudio.toneRMS(after, frequency: 1000, sampleRate: 48000)
        #expect(abs(Self.db(settled, reference)) < 1, "after the loss: \(Self.db(settled, reference)) dB")
        // FEC: the packet after a loss carries a copy of the lost frame.
        let fecDecoder = try Opus.Decoder()
        for p in packets[0..<10] { _ = try fecDecoder.decode(p) }
        let recovered = try fecDecoder.decodeFEC(from: packets[11])
        #expect(recovered.count == 960)
        #expect(TestAudio.toneRMS(recovered, frequency: 1000, sampleRate: 48000) > reference * 0.5)
    }

    @Test(arguments: [8000, 16000, 24000])
    func decodesAtTelephonyRates(rate: Int) throws {
        let tone = ToneGenerator.sine(frequency: 1000, amplitude: 10000, durationMs: 400, sampleRate: 48000)
        let packets = try Self.encode(tone, try Opus.Encoder(bitrate: 32000))
        let decoder = try Opus.Decoder(sampleRate: rate)
        var out: [Int16] = []
        for p in packets { out += try decoder.decode(p) }
        #expect(out.count == rate * 400 / 1000)
        let level = TestAudio.toneRMS(Array(out[(out.count / 2)...]), frequency: 1000, sampleRate: rate)
        #expect(abs(Self.db(level, 10000 / 2.0.squareRoot())) < 1)
    }

    @Test func badInputGivesErrors() throws {
        #expect(throws: AudioError.self) { try Opus.Encoder(sampleRate: 44100) }
        #expect(throws: AudioError.self) { try Opus.Decoder(sampleRate: 11025) }
        let encoder = try Opus.Encoder()
        #expect(throws: AudioError.self) { try encoder.encode([Int16](repeating: 0, count: 100)) }
        #expect(throws: AudioError.self) { try encoder.setBitrate(-5) }
        let decoder = try Opus.Decoder()
        // A TOC byte announcing a code-3 packet with no frame count is invalid.
        #expect(throws: AudioError.self) { try decoder.decode([0x03]) }
    }
}
