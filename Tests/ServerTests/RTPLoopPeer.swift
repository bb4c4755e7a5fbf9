// Test support for bridged calls: an RTP endpoint on 127.0.0.1 that remembers where Switchboard's packets come
// from and counts the ones with sound, and can either echo every packet back to its sender (a transfer target
// whose audio returns through the bridge) or send a steady µ-law tone to Switchboard (a talking caller).
import Audio
import Foundation
import SwitchboardTestKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

final class RTPLoopPeer: Sendable {
    struct State {
        var received = 0
        var loud = 0
        var source: sockaddr_in?
        var stop = false
    }

    let socket: UDPTestSocket
    var port: Int { socket.port }
    private let box = LoopPeerState()

    /// `echo`: send every packet straight back to where it came from.
    init(echo: Bool) throws {
        socket = try UDPTestSocket(receiveTimeoutMs: 50)
        let socket = self.socket
        let box = self.box
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 2048)
            while !box.state.withLock({ $0.stop }) {
                var from = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let count = buffer.withUnsafeMutableBytes { raw in
                    withUnsafeMutablePointer(to: &from) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(socket.fd, raw.baseAddress, raw.count, 0, $0, &length) }
                    }
                }
                guard count >= 12 else { continue }
                let payload = buffer[12..<count]
                let peak = payload.map { abs(Int(G711.ulaw.decode($0))) }.max() ?? 0
                box.state.withLock {
                    $0.received += 1
                    if peak > 2_000 { $0.loud += 1 }
                    $0.source = from
                }
                if echo {
                    _ = buffer.withUnsafeBytes { raw in
                        withUnsafePointer(to: &from) {
                            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                                sendto(socket.fd, raw.baseAddress, count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                            }
                        }
                    }
                }
            }
        }
    }

    var received: Int { box.state.withLock { $0.received } }
    /// Packets whose µ-law payload peaks above 2000 (speech or tone, not silence).
    var loud: Int { box.state.withLock { $0.loud } }

    /// Sends a 400 Hz µ-law tone (PCMU, 20 ms packets) to where Switchboard's packets come from, for `seconds`
    /// (waits for the first packet to learn the address; gives up after `seconds`).
    func talk(seconds: Double) {
        let socket = self.socket
        let box = self.box
        Thread.detachNewThread {
            let end = Date().addingTimeInterval(seconds)
            var sequence: UInt16 = 0
            var timestamp: UInt32 = 0
            let ssrc: UInt32 = 0x1234_5678
            while Date() < end, !box.state.withLock({ $0.stop }) {
                guard var target = box.state.withLock({ $0.source }) else {
                    Thread.sleep(forTimeInterval: 0.02)
                    continue
                }
                var packet: [UInt8] = [0x80, 0, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
                packet += withUnsafeBytes(of: timestamp.bigEndian, Array.init)
                packet += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
                for i in 0..<160 {
                    let t = Double(Int(timestamp) + i) / 8000
                    packet.append(G711.ulaw.encode(Int16(8_000 * sin(2 * Double.pi * 400 * t))))
                }
                _ = packet.withUnsafeBytes { raw in
                    withUnsafePointer(to: &target) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            sendto(socket.fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
                sequence &+= 1
                timestamp &+= 160
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
    }

    func stop() { box.state.withLock { $0.stop = true } }
}

/// The peer's counters and stop flag, shared with its threads.
final class LoopPeerState: Sendable {
    let state = Mutex(RTPLoopPeer.State())
}
