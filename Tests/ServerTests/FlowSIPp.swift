// Test support for the flow tests against sipp (Debian sip-tester) as the caller: one call of a scenario from
// deploy/sipp through the kit's `SIPp` runner, and an RTP listener standing in for the
// caller's ear (the scenarios put `-key rtpport N` into their SDP, so Switchboard's audio comes here).
import Audio
import Foundation
import SwitchboardTestKit
import Synchronization

enum FlowSIPp {
    static func scenario(_ name: String) -> String { SIPp.scenario(name) }

    /// Runs one call of `scenario` to `user` at the server; exit status 0 means the scenario completed.
    static func call(
        scenario name: String, user: String, serverPort: Int, rtpPort: Int, in folder: URL, timeout: Int = 30,
        extraArguments: [String] = []
    ) async throws -> (status: Int32, output: String) {
        let sipPort = try UDPTestSocket.freePort()
        let arguments = [
            "127.0.0.1:\(serverPort)", "-sf", scenario(name), "-s", user, "-m", "1", "-i", "127.0.0.1",
            "-p", "\(sipPort)", "-key", "rtpport", "\(rtpPort)", "-trace_err", "-error_file",
            folder.appendingPathComponent("sipp-errors.log").path,
        ] + extraArguments
        let run = try await SIPp.run(arguments, in: folder, timeout: timeout)
        return (run.status, run.output)
    }

    /// Runs one call of the UAS `scenario` listening on `sipPort` (start it before the call that reaches it);
    /// a UAS whose call never came is ended a little after `timeout`.
    static func answer(
        scenario name: String, sipPort: Int, rtpPort: Int, in folder: URL, timeout: Int = 30, extraArguments: [String] = []
    ) async throws -> (status: Int32, output: String) {
        let arguments = [
            "-sf", scenario(name), "-m", "1", "-i", "127.0.0.1", "-p", "\(sipPort)", "-key", "rtpport", "\(rtpPort)",
            "-trace_err", "-error_file", folder.appendingPathComponent("sipp-uas-errors.log").path,
        ] + extraArguments
        let run = try await SIPp.run(arguments, in: folder, timeout: timeout, killAfter: Double(timeout) + 5)
        return (run.status, run.output)
    }
}

/// Receives the RTP Switchboard sends to the caller and keeps, per packet, its arrival time and whether it
/// carried sound (a µ-law payload that is not all digital silence).
final class RTPEar: Sendable {
    struct Packet: Sendable {
        var at: ContinuousClock.Instant
        var payloadType: UInt8
        var payload: [UInt8]
        /// Peak of the decoded µ-law payload.
        var peak: Int
    }

    let socket: UDPTestSocket
    var port: Int { socket.port }
    private let box = EarState()

    init() throws {
        socket = try UDPTestSocket(receiveTimeoutMs: 50)
        let socket = self.socket
        let box = self.box
        Thread.detachNewThread {
            while !box.state.withLock({ $0.stop }) {
                guard let datagram = socket.receive(), datagram.count >= 12 else { continue }
                let payload = Array(datagram[12...])
                let peak = payload.map { abs(Int(G711.ulaw.decode($0))) }.max() ?? 0
                let packet = Packet(at: .now, payloadType: datagram[1] & 0x7F, payload: payload, peak: peak)
                box.state.withLock { $0.packets.append(packet) }
            }
        }
    }

    var packets: [Packet] { box.state.withLock { $0.packets } }

    func stop() { box.state.withLock { $0.stop = true } }
}

/// The ear's packets and stop flag, shared with its reader thread.
final class EarState: Sendable {
    let state = Mutex<(packets: [RTPEar.Packet], stop: Bool)>(([], false))
}
