// The caller's side of the media path when it is quiet or misbehaves (issue 13), on a live echo call over real
// UDP: RFC 3389 comfort noise is played as noise at its level (not dropped as an unknown payload type), the
// RTP inactivity timeout fires only when the peer owes us media (not on hold), and bursts, an SSRC restart,
// clock jumps and timestamps running backwards are counted while the call goes on.
import Audio
import Bridges
import Foundation
import SwitchboardTestKit
import NIOCore
import RTP
import Synchronization
import Testing

@Suite("Media: silent and misbehaving callers (real sockets)", .serialized, .tags(.integration))
struct MediaSilentCallerTests {
    static let pcmu = NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101)

    static func statistics(_ rig: MediaTestRig) async throws -> CallMediaSession.Statistics {
        try #require(try await rig.engine.sessionStatistics(callID: rig.session.callID).get())
    }

    @Test func comfortNoiseIsPlayedAsNoiseAtItsLevel() async throws {
        let rig = try await MediaTestRig.start(media: Self.pcmu)
        // One CN packet (level 50 −dBov) every 200 ms for 1.2 s, as a phone in DTX sends them.
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<6 {
            let packet = try RTPPacket(
                marker: i == 0, payloadType: 13, sequenceNumber: UInt16(100 + i), timestamp: UInt32(1600 * i), ssrc: 0xC0FFEE,
                payload: [50]
            ).serialized()
            rig.peer.send(packet, to: rig.mediaPort)
            try await clock.sleep(until: start + .milliseconds(200 * (i + 1)))
        }
        let stats = try await Self.statistics(rig)
        let echoed = rig.echoed.filter { $0.payloadType == 0 }.map { G711.ulaw.decode($0.payload) }
        await rig.stop()

        #expect(stats.comfortNoisePackets == 6)
        #expect(stats.unknownPayloadType == 0)
        #expect(stats.comfortNoiseFrames >= 40, "\(stats.comfortNoiseFrames) frames of comfort noise")
        // The echo sends back what the session decoded: noise about 50 dB below full scale.
        let noisy = echoed.filter { frame in frame.contains { $0 != 0 } }
        #expect(noisy.count >= 40)
        let all = noisy.flatMap { $0 }
        let rms = (all.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, all.count))).squareRoot()
        let dB = 20 * log10(max(rms, 1e-9) / 32767)
        #expect(abs(dB + 50) < 3, "comfort noise at \(dB) dBov")
    }

    @Test func rtpTimeoutFiresWhenMediaStopsButNotOnHold() async throws {
        let rig = try await MediaTestRig.start(media: Self.pcmu)
        let session = rig.session
        let peer = try SocketAddress(ipAddress: "127.0.0.1", port: rig.peer.port)
        // On hold from the start (re-INVITE with sendonly: no address): 1.5 s of nothing is fine.
        try await rig.engine.renegotiate(session, media: Self.pcmu, remote: nil).get()
        try await session.eventLoop.submit { session.rtpTimeoutSeconds = 1 }.get()
        try await Task.sleep(for: .milliseconds(1500))
        let onHold = try await Self.statistics(rig)
        // Taken off hold: the peer owes us media again, and sends 10 frames, then stops.
        try await rig.engine.renegotiate(session, media: Self.pcmu, remote: peer).get()
        let silence = [[UInt8]](repeating: [UInt8](repeating: 0xFF, count: 160), count: 10)
        try await rig.play(silence, payloadType: 0, firstSequence: 1, firstTimestamp: 0, increment: 160)
        try await Task.sleep(for: .milliseconds(600))
        let early = try await Self.statistics(rig)
        try await Task.sleep(for: .milliseconds(900))
        let late = try await Self.statistics(rig)
        await rig.stop()

        #expect(onHold.rtpTimeouts == 0, "no timeout while on hold")
        #expect(early.rtpTimeouts == 0, "0.6 s after the last packet is not yet 1 s")
        #expect(late.rtpTimeouts == 1, "1.5 s after the last packet the call timed out (once)")
        #expect(rig.logs.count(containing: "no RTP from the caller") == 1)
    }

    @Test func burstsSSRCRestartClockJumpsAndBackwardTimestampsAreCountedAndTheCallGoesOn() async throws {
        let rig = try await MediaTestRig.start(media: Self.pcmu)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("media-silent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let speech = try Speech.ulaw(text: "One two three four five six seven eight nine ten, the call must go on.", in: dir)
        let frames = stride(from: 0, to: speech.count - 159, by: 160).map { Array(speech[$0..<($0 + 160)]) }
        #expect(frames.count >= 60)
        let port = rig.mediaPort
        func packet(_ seq: UInt16, _ ts: UInt32, _ ssrc: UInt32, _ frame: [UInt8]) throws -> [UInt8] {
            try RTPPacket(payloadType: 0, sequenceNumber: seq, timestamp: ts, ssrc: ssrc, payload: frame).serialized()
        }
        // 1. Normal stream, then 200 packets in one burst (a network hiccup releasing 4 s at once).
        try await rig.play(Array(frames[0..<10]), payloadType: 0, firstSequence: 1000, firstTimestamp: 0, increment: 160)
        // (The burst's audio comes from the first 40 frames: the last 20 are the tail checked below.)
        for i in 0..<200 { rig.peer.send(try packet(UInt16(1010 + i), UInt32(160 * (10 + i)), 0xCAFE, frames[i % 40]), to: port) }
        try await Task.sleep(for: .milliseconds(300))
        // 2. The stream stops for a second and comes back as a new SSRC with new numbering.
        try await Task.sleep(for: .milliseconds(1000))
        try await rig.play(Array(frames[0..<20]), payloadType: 0, firstSequence: 40_000, firstTimestamp: 9_000_000, increment: 160, ssrc: 0xBEEF)
        // 3. Its clock jumps 10 s ahead, 4. then runs 3 s backwards; sequence numbers go on.
        try await rig.play(Array(frames[20..<40]), payloadType: 0, firstSequence: 40_020, firstTimestamp: 9_083_200, increment: 160, ssrc: 0xBEEF)
        try await rig.play(Array(frames[40..<60]), payloadType: 0, firstSequence: 40_040, firstTimestamp: 9_062_400, increment: 160, ssrc: 0xBEEF)
        try await Task.sleep(for: .milliseconds(300))
        let stats = try await Self.statistics(rig)
        let echoed = rig.echoed.filter { $0.payloadType == 0 }.map(\.payload)
        let total = rig.engine.statistics()
        await rig.stop()

        #expect(stats.bursts >= 1)
        // The echo must send one frame per tick: what it cannot send of the burst is dropped and counted.
        #expect(stats.framesCaughtUp == 0 && stats.framesDropped > 0, "\(stats.framesDropped) frames dropped")
        #expect(stats.ssrcChanges == 1)
        #expect(stats.foreignSSRC == 0, "the new SSRC took over at its first packet (the old one was quiet)")
        #expect(stats.timestampJumps >= 2, "\(stats.timestampJumps)")
        #expect(total.activeCalls == 1)
        // The call went on: the last 20 frames (after both clock upsets) came back, in order, bit-exact.
        let tail = frames[40..<60].map { $0 }
        let back = echoed.filter { tail.contains($0) }
        #expect(back.count >= 18, "\(back.count) of the last 20 frames echoed")
        #expect(back == tail.filter { back.contains($0) })
        // So did the new SSRC's first frame (nothing lost at the restart).
        #expect(echoed.contains(frames[0]))
    }

    /// Keeps the last sample of every frame the session hands over (this tick's and those drained early; G.711
    /// concealment delays its output by a few samples, so the last one is the frame's own).
    final class FrameCollector: CallMediaHandler, @unchecked Sendable {  // used on the media loop only
        let firstSamples = Mutex<[Int16]>([])
        var processesExtraMedia: Bool { true }
        func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
            firstSamples.withLock { $0.append(samples.last ?? 0) }
        }
        func extraMediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
            firstSamples.withLock { $0.append(samples.last ?? 0) }
        }
    }

    /// 10 packets, then 200 released at once (4 s of audio in one tick), then 20 more on time: a handler that
    /// analyses caller audio (a flow call's pipeline) gets every one of the 230 frames, in order — the jitter
    /// buffer grows for the burst and drains it early instead of trimming — and /metrics counts the burst and
    /// the frames caught up, with nothing dropped.
    @Test func aBurstOf200PacketsReachesAnAnalysingHandlerWhole() async throws {
        let collector = FrameCollector()
        let rig = try await MediaTestRig.start(media: Self.pcmu, handler: collector)
        // Frame i carries one µ-law code (a constant frame), codes chosen so that each decodes to its own value.
        let codes = (0..<231).map(UInt8.init).filter { $0 != 0x7F }.prefix(230)
        let frames = codes.map { [UInt8](repeating: $0, count: 160) }
        let port = rig.mediaPort
        try await rig.play(Array(frames[0..<10]), payloadType: 0, firstSequence: 500, firstTimestamp: 0, increment: 160)
        for i in 10..<210 {
            let packet = try RTPPacket(
                payloadType: 0, sequenceNumber: UInt16(500 + i), timestamp: UInt32(160 * i), ssrc: 0xCAFE,
                payload: frames[i]
            ).serialized()
            rig.peer.send(packet, to: port)
        }
        try await rig.play(Array(frames[210..<230]), payloadType: 0, firstSequence: 710, firstTimestamp: 160 * 210, increment: 160)
        let expected = codes.map { G711.ulaw.decode($0) }
        func matched() -> Int {
            var matched = 0
            for value in collector.firstSamples.withLock({ $0 }) where matched < expected.count && value == expected[matched] {
                matched += 1
            }
            return matched
        }
        // On a loaded machine a late media tick defers the early draining: give it a few seconds at most.
        let deadline = ContinuousClock.now + .seconds(5)
        while matched() < 230, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let stats = try await Self.statistics(rig)
        await rig.stop()
        let matched = matched()
        #expect(matched == 230, "\(matched) of 230 frames reached the handler in order")
        #expect(stats.bursts >= 1)
        #expect(stats.framesCaughtUp >= 50, "\(stats.framesCaughtUp) frames caught up")
        #expect(stats.framesDropped == 0 && stats.packetsLate == 0 && stats.packetsLost == 0)
        try await Task.sleep(for: .milliseconds(150))
        let total = rig.engine.statistics()
        #expect(total.framesCaughtUp > 0 && total.bursts >= 1, "published for /metrics")
    }
}
