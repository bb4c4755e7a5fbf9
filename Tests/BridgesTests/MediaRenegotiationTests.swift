import Audio
import Bridges
import Foundation
import NIOCore
import RTP
import Testing
import SwitchboardTestKit

/// Codec switch on a live call (re-INVITE): PCMU → PCMA → Opus while the echo runs. The outbound stream keeps
/// its SSRC, its sequence numbers stay consecutive, the timestamp advances by the codec's clock, the payload type
/// switches exactly once each time, and the audio that comes back is the new codec's.
@Suite("Media codec switch (real sockets)", .tags(.integration), .serialized)
struct MediaRenegotiationTests {
    static func tone(_ hz: Double, frames: Int, rate: Int) -> [[Int16]] {
        let pcm = ToneGenerator.sine(
            frequency: hz, amplitude: ToneGenerator.amplitude(dBm0: -10), durationMs: frames * 20, sampleRate: rate)
        let n = rate / 50
        return (0..<frames).map { Array(pcm[($0 * n)..<(($0 + 1) * n)]) }
    }

    @Test func pcmuToPCMAToOpusKeepsTheStreamContinuous() async throws {
        let rig = try await MediaTestRig.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101))
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: rig.peer.port)
        let ulaw = Self.tone(440, frames: 30, rate: 8000).map { G711.ulaw.encode($0) }
        try await rig.play(ulaw, payloadType: 0, firstSequence: 100, firstTimestamp: 0, increment: 160)
        try await Task.sleep(for: .milliseconds(100))

        try await rig.engine.renegotiate(
            rig.session, media: NegotiatedMedia(codec: .pcma, payloadType: 8, telephoneEventPayloadType: 101), remote: remote
        ).get()
        let alaw = Self.tone(1000, frames: 30, rate: 8000).map { G711.alaw.encode($0) }
        try await rig.play(alaw, payloadType: 8, firstSequence: 130, firstTimestamp: 4800, increment: 160)
        try await Task.sleep(for: .milliseconds(100))

        try await rig.engine.renegotiate(
            rig.session, media: NegotiatedMedia(codec: .opus, payloadType: 111, telephoneEventPayloadType: 101),
            remote: remote
        ).get()
        let encoder = try Opus.Encoder(sampleRate: 16000, channels: 1, bitrate: 24000)
        let opus = try Self.tone(600, frames: 30, rate: 16000).map { try encoder.encode($0) }
        try await rig.play(opus, payloadType: 111, firstSequence: 160, firstTimestamp: 100_000, increment: 960)
        try await Task.sleep(for: .milliseconds(300))
        let media = rig.session.eventLoop.submit { rig.session.media }
        let current = try await media.get()
        let echoed = rig.echoed
        await rig.stop()

        #expect(current?.codec == .opus && current?.pcmRate == 16000)
        #expect(echoed.count > 60)
        #expect(Set(echoed.map(\.ssrc)).count == 1, "one SSRC across the switches")
        // Payload types switch 0 → 8 → 111 once each, never back.
        var runs: [UInt8] = []
        for p in echoed where runs.last != p.payloadType { runs.append(p.payloadType) }
        #expect(runs == [0, 8, 111])
        for (a, b) in zip(echoed, echoed.dropFirst()) {
            #expect(b.sequenceNumber == a.sequenceNumber &+ 1, "sequence continues")
            let step: UInt32 = a.payloadType == 111 ? 960 : 160
            #expect(b.timestamp == a.timestamp &+ step, "timestamp advances by the codec clock of each frame")
        }
        // After the switch to PCMA the echo carries our 1 kHz A-law frames bit-exact.
        let sentA = Set(alaw)
        let backA = echoed.filter { $0.payloadType == 8 }.map(\.payload).filter { sentA.contains($0) }
        #expect(backA.count >= 20, "PCMA frames echoed: \(backA.count) of 30")
        // After the switch to Opus the echo is Opus at 16 kHz carrying the tone (not silence).
        let decoder = try Opus.Decoder(sampleRate: 16000, channels: 1)
        let loud = try echoed.filter { $0.payloadType == 111 }.map { try decoder.decode($0.payload) }.filter { frame in
            let energy = frame.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, frame.count))
            return frame.count == 320 && energy.squareRoot() > 1000
        }
        #expect(loud.count >= 15, "loud Opus frames echoed: \(loud.count)")
    }
}
