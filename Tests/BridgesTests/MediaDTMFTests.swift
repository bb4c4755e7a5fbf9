import Audio
import Bridges
import Foundation
import NIOCore
import RTP
import Testing
import SwitchboardTestKit

/// One press, one digit on a live call: the in-band detector and RFC 4733 events must not both report it.
@Suite(.tags(.integration)) struct MediaDTMFTests {
    @Test func deduplicatorMatchesThePathsOneToOne() {
        var merge = DTMFDeduplicator(windowMs: 600)
        // (digit, ms, out of band) → delivered?
        let steps: [(Character, Int, Bool, Bool)] = [
            // RFC 4733 first (no jitter buffer), the tone ~80 ms later: one digit.
            ("1", 1000, true, true), ("1", 1080, false, false),
            // "11" dialled fast on both paths: two digits, each copy matched once; a third tone is new.
            ("1", 2000, true, true), ("1", 2100, true, true), ("1", 2240, false, false), ("1", 2340, false, false),
            ("1", 2440, false, true),
            // In band first, then the event; another digit is not matched, nor a stale one.
            ("5", 3000, false, true), ("6", 3010, true, true), ("5", 3050, true, false),
            ("7", 4000, true, true), ("7", 4700, false, true),
            // Same path twice is two presses.
            ("9", 5000, false, true), ("9", 5100, false, true),
        ]
        for (digit, ms, outOfBand, delivered) in steps {
            let accepted = merge.accept(digit, atMs: ms, outOfBand: outOfBand)
            #expect(accepted == delivered, "\(digit) at \(ms) ms, out of band \(outOfBand)")
        }
    }

    /// PCMU frames of `pattern` (digit tones and silence, 20 ms each), µ-law encoded as on the wire.
    static func frames(_ samples: [Int16]) -> [[UInt8]] {
        stride(from: 0, to: samples.count, by: 160).map { G711.ulaw.encode(Array(samples[$0..<min($0 + 160, samples.count)])) }
    }

    /// Plays `audio` as PCMU from the rig's peer; when `withEvents`, every tone also goes as RFC 4733 events
    /// (start packet at the tone's first frame, three end packets after it), sharing SSRC and sequence space.
    static func call(_ audio: [Int16], tones: [(digit: UInt8, frame: Int, frames: Int)], withEvents: Bool) async throws -> UInt64 {
        let rig = try await MediaTestRig.start(
            media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101))
        let frames = Self.frames(audio)
        var sequence: UInt16 = 1000
        let clock = ContinuousClock()
        let start = clock.now
        func send(_ payloadType: UInt8, _ timestamp: UInt32, _ payload: [UInt8], marker: Bool = false) throws {
            let packet = try RTPPacket(
                marker: marker, payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp,
                ssrc: 0xD7F, payload: payload
            ).serialized()
            sequence &+= 1
            rig.peer.send(packet, to: rig.mediaPort)
        }
        for (i, frame) in frames.enumerated() {
            if withEvents {
                for t in tones where t.frame == i {
                    try send(101, UInt32(160 * i), TelephoneEvent(event: t.digit, end: false, duration: 160).bytes, marker: true)
                }
                for t in tones where t.frame + t.frames == i {
                    for _ in 0..<3 {
                        let event = TelephoneEvent(event: t.digit, end: true, duration: UInt16(160 * t.frames))
                        try send(101, UInt32(160 * t.frame), event.bytes)
                    }
                }
            }
            try send(0, UInt32(160 * i), frame, marker: i == 0)
            try await clock.sleep(until: start + .milliseconds(20 * (i + 1)))
        }
        try await clock.sleep(for: .milliseconds(400))
        let digits = try await rig.engine.eventLoop.submit { rig.session.statistics.digits }.get()
        await rig.stop()
        return digits
    }

    @Test(.timeLimit(.minutes(1)))
    func onePressIsOneDigitInBandAloneAndWithRFC4733() async throws {
        // "1" pressed twice (120 ms each, 200 ms apart) in PCMU, as DemoCaller sends a caller track.
        let tone = try #require(DTMF.tone("1", durationMs: 120, sampleRate: 8000))
        let gap = ToneGenerator.silence(durationMs: 200, sampleRate: 8000)
        let audio = gap + tone + gap + tone + gap + gap
        let tones: [(digit: UInt8, frame: Int, frames: Int)] = [(1, 10, 6), (1, 26, 6)]
        #expect(try await Self.call(audio, tones: tones, withEvents: false) == 2)
        #expect(try await Self.call(audio, tones: tones, withEvents: true) == 2)
    }
}
