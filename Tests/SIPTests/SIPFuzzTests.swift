import Foundation
import Testing
@testable import SIP

/// Mutated torture messages must never crash the parser, validator, SDP parser or UA core.
@Suite struct SIPFuzzTests {
    @Test func mutatedTortureMessagesNeverCrash() throws {
        let folder = try RFC4475Tests.folder()
        let seeds = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".dat") }.sorted().map {
            try [UInt8](Data(contentsOf: folder.appendingPathComponent($0)))
        } + [Peer.invite().serialized()]
        var random = SIPRandom(seed: 99)
        var core = SIPUserAgentCore(config: SIPUserAgentConfig(local: SIPEndpoint(host: "127.0.0.1", port: 5080), seed: 5))
        let peer = SIPEndpoint(host: "192.0.2.1", port: 5060)
        var outcomes = [String: Int]()
        for round in 0..<1500 {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + Int(random.next() % 4)) where !bytes.isEmpty {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[index] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.remove(at: index)
                case 2: bytes.insert([0x0D, 0x0A, 0x20, 0x3A, 0x3B, 0x2C, 0x22, 0x3C][Int(random.next() % 8)], at: index)
                default: bytes = Array(bytes.prefix(index))
                }
            }
            for action in core.handle(.datagram(bytes, from: peer), at: .milliseconds(round)) {
                switch action {
                case .send: outcomes["send", default: 0] += 1
                case .dropped: outcomes["dropped", default: 0] += 1
                case .incomingCall(let call): _ = core.handle(.command(.answer(callID: call.callID, rtpPort: 40000)), at: .milliseconds(round))
                default: break
                }
            }
            if let message = try? SIPParser.parse(bytes), let sdp = SDPSession.body(of: message.headers, message.body) {
                _ = try? SDPSession(parsing: sdp)
            }
        }
        #expect(outcomes["send", default: 0] > 50)
        #expect(outcomes["dropped", default: 0] > 50)
    }
}
