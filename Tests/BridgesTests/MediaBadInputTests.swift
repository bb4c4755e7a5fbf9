import Audio
import Bridges
import Foundation
import RTP
import Testing
import SwitchboardTestKit

/// Bad RTP at a live echo call's port (issue 3, "Bad input"): a wrong version, bad padding, truncated
/// datagrams, RTP from an unknown address, a foreign SSRC and garbage RTCP. None may stop the echo; each kind is
/// counted in `MediaEngine.statistics()` and logged once, not once per packet.
@Suite("Media bad RTP input (real sockets)", .tags(.integration), .serialized)
struct MediaBadInputTests {
    @Test func badRTPIsCountedLoggedOnceAndTheEchoContinues() async throws {
        let rig = try await MediaTestRig.start(media: NegotiatedMedia(codec: .pcmu, payloadType: 0, telephoneEventPayloadType: 101))
        let attacker = try UDPTestSocket(receiveTimeoutMs: 50)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("media-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let speech = try Speech.ulaw(text: "Bad packets must not stop the echo, one two three four.", in: dir)
        let frames = stride(from: 0, to: speech.count - 159, by: 160).map { Array(speech[$0..<($0 + 160)]) }
        let good = try RTPPacket(payloadType: 0, sequenceNumber: 7, timestamp: 0, ssrc: 0xCAFE, payload: frames[0])
            .serialized()
        var badVersion = good
        badVersion[0] = 0x40
        var badPadding = good
        badPadding[0] |= 0x20
        badPadding[badPadding.count - 1] = 250  // more padding than payload
        let truncated = Array(good.prefix(9))
        let port = rig.mediaPort
        let attackFrames = [20, 25, 30]
        try await rig.play(frames, payloadType: 0, firstSequence: 65000, firstTimestamp: 1000, increment: 160) { i in
            guard let k = attackFrames.firstIndex(of: i) else { return }
            rig.peer.send(badVersion, to: port)
            rig.peer.send(badPadding, to: port)
            rig.peer.send(truncated, to: port)
            // A valid packet from the call's own address but another SSRC (sequence numbers far apart: no re-lock).
            rig.peer.send(
                try RTPPacket(payloadType: 0, sequenceNumber: UInt16(k * 100), timestamp: 0, ssrc: 0xBAD, payload: frames[0])
                    .serialized(), to: port)
            // A valid packet of the call's own stream, sent from another address.
            attacker.send(good, to: port)
            attacker.send([0x81, 0xC9, 0x00, 0x99, 1, 2, 3], to: port + 1)  // RTCP whose length overruns
        }
        try await Task.sleep(for: .milliseconds(400))
        let total = rig.engine.statistics()
        let call = try await rig.engine.sessionStatistics(callID: rig.session.callID).get()
        let echoed = rig.echoed
        await rig.stop()

        #expect(total.badVersion == 3)
        #expect(total.badPadding == 3)
        #expect(total.truncated == 3)
        #expect(total.malformed == 9)
        #expect(total.foreignSSRC == 3)
        #expect(total.unknownSource == 3)
        #expect(total.rtcpMalformed == 3)
        #expect(total.activeCalls == 1 && total.callsTotal == 1)
        #expect(total.packetsReceived >= UInt64(frames.count) - 2)
        #expect(call?.badPackets == 9)
        // Logged once per kind (rate limit 10 s), not per packet.
        #expect(rig.logs.count(containing: "malformed RTP dropped") == 1)
        #expect(rig.logs.count(containing: "unknown source") == 1)
        #expect(rig.logs.count(containing: "foreign SSRC") == 1)
        #expect(rig.logs.count(containing: "malformed RTCP") == 1)

        // The echo went on: every frame after the first attack comes back bit-exact and in order.
        let decode = { (f: [UInt8]) in G711.ulaw.decode(f) }
        let sent = frames.map(decode)
        let back = echoed.filter { $0.payloadType == 0 }.map { decode($0.payload) }.filter { $0.contains { $0 != 0 } }
        var next = 0
        var matched: [Int] = []
        for frame in back {
            guard let at = sent[next...].firstIndex(of: frame) else { continue }
            matched.append(at)
            next = at + 1
        }
        let afterAttack = Set(matched.filter { $0 > attackFrames[0] })
        let expected = Set((attackFrames[0] + 1)..<frames.count).filter { sent[$0].contains { $0 != 0 } }
        // Every echoed frame is one we sent, in order — or G.711 packet-loss concealment (issue 13): frames played
        // for a missing packet (≤ 60 ms per gap, e.g. after the last packet) and the cross-faded one after a gap.
        let concealed = Int(call?.concealed ?? 0)
        #expect(back.count - matched.count <= 2 * concealed, "unmatched \(back.count - matched.count), concealed \(concealed)")
        #expect(
            expected.subtracting(afterAttack).count <= 2,
            "missing after the attack: \(expected.subtracting(afterAttack).sorted()); stats \(String(describing: call))")
        #expect(Set(echoed.map(\.ssrc)).count == 1)
    }
}
