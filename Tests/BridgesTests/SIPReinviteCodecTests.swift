import Audio
import Foundation
import RTP
import Testing
import SwitchboardTestKit

/// re-INVITE with a new codec on a live echo call: PCMU → PCMA → Opus. Each re-INVITE's 200 carries the new
/// codec in its SDP and the echo comes back encoded with it (RTP payload type and decodable audio).
@Suite("SIP re-INVITE codec change (real sockets)", .tags(.integration), .serialized)
struct SIPReinviteCodecTests {
    static func tone(rate: Int, frame: Int) -> [Int16] {
        let n = rate / 50
        return (0..<n).map { i in Int16(9000 * sin(Double(frame * n + i) * 2 * .pi * 440 / Double(rate))) }
    }

    /// Streams `frames` 20 ms frames produced by `payload` with payload type `pt`, paced.
    static func stream(
        _ call: SIPTestCall, pt: UInt8, frames: Range<Int>, samplesPerFrame: Int, payload: (Int) throws -> [UInt8]
    ) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        for (k, i) in frames.enumerated() {
            try call.sendRTP(payloadType: pt, sequence: i, payload: try payload(i), samplesPerFrame: samplesPerFrame)
            try await clock.sleep(until: start + .milliseconds(20 * (k + 1)))
        }
        try await Task.sleep(for: .milliseconds(250))
    }

    static func loud(_ samples: [Int16]) -> Bool {
        samples.map { Int(abs(Int32($0))) }.max() ?? 0 > 2000
    }

    @Test func reinviteSwitchesCodecPCMUToPCMAToOpus() async throws {
        let server = try await TestServer.start()
        let call = try SIPTestCall(serverPort: server.sipPort, user: "echo")
        let ok = try call.start(payloads: [0])
        #expect(SIPTestCall.payloadTypes(in: ok).first == 0)

        // PCMU first.
        let t0 = ContinuousClock.now
        try await Self.stream(call, pt: 0, frames: 0..<40, samplesPerFrame: 160) { G711.ulaw.encode(Self.tone(rate: 8000, frame: $0)) }
        let pcmu = call.packets(since: t0)

        // re-INVITE offering PCMA only: 200 with PCMA, echo in PCMA.
        let toPCMA = try call.reinvite(payloads: [8])
        let t1 = ContinuousClock.now
        try await Self.stream(call, pt: 8, frames: 40..<90, samplesPerFrame: 160) { G711.alaw.encode(Self.tone(rate: 8000, frame: $0)) }
        let pcma = call.packets(since: t1 + .milliseconds(200))

        // re-INVITE offering Opus only: 200 with opus/48000/2, echo in Opus (48 kHz RTP clock).
        let toOpus = try call.reinvite(payloads: [111])
        let encoder = try Opus.Encoder(sampleRate: 16000, channels: 1, bitrate: 32000)
        let t2 = ContinuousClock.now
        try await Self.stream(call, pt: 111, frames: 90..<140, samplesPerFrame: 960) { try encoder.encode(Self.tone(rate: 16000, frame: $0)) }
        let opus = call.packets(since: t2 + .milliseconds(200))

        let stats = try await server.statistics()
        let bye = call.hangUp()
        await server.stop()

        #expect(!pcmu.isEmpty && pcmu.allSatisfy { $0.payloadType == 0 })
        #expect(toPCMA.hasPrefix("SIP/2.0 200"), "\(toPCMA.prefix(200))")
        #expect(SIPTestCall.payloadTypes(in: toPCMA).first == 8)
        #expect(toPCMA.contains("a=rtpmap:8 PCMA/8000") || !toPCMA.contains("a=rtpmap:0"))
        // After the switch only PCMA comes back, same SSRC, and it carries the tone (A-law, not µ-law bytes).
        #expect(pcma.count >= 20, "PCMA packets: \(pcma.count)")
        #expect(pcma.allSatisfy { $0.payloadType == 8 }, "\(Set(pcma.map(\.payloadType)))")
        #expect(Set((pcmu + pcma).map(\.ssrc)).count == 1)
        #expect(pcma.filter { Self.loud(G711.alaw.decode($0.payload)) }.count >= 10)

        #expect(toOpus.hasPrefix("SIP/2.0 200"), "\(toOpus.prefix(200))")
        #expect(SIPTestCall.payloadTypes(in: toOpus).first == 111)
        #expect(toOpus.contains("opus/48000/2"))
        #expect(opus.count >= 20, "Opus packets: \(opus.count)")
        #expect(opus.allSatisfy { $0.payloadType == 111 })
        let decoder = try Opus.Decoder(sampleRate: 16000, channels: 1)
        let decoded = opus.compactMap { try? decoder.decode($0.payload) }
        #expect(decoded.count == opus.count)
        #expect(decoded.filter(Self.loud).count >= 5)
        // Opus timestamps advance 960 per 20 ms frame.
        let steps = zip(opus, opus.dropFirst()).filter { $1.sequenceNumber == $0.sequenceNumber &+ 1 }
            .map { $1.timestamp &- $0.timestamp }
        #expect(!steps.isEmpty && steps.allSatisfy { $0 == 960 }, "\(Set(steps))")

        #expect(stats.codecChanges == 2)
        #expect(stats.mediaUpdates == 2)
        #expect(bye)
    }
}
