// Test support for the flow tests against sipp (Debian sip-tester) as the caller: runs a scenario from
// deploy/sipp on a thread of its own (bounded by sipp's -timeout), and an RTP listener standing in for the
// caller's ear (the scenarios put `-key rtpport N` into their SDP, so Switchboard's audio comes here).
import Foundation
import SwitchboardTestKit
import Synchronization

enum FlowSIPp {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/sipp") }

    static func scenario(_ name: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("deploy/sipp/\(name)").path
    }

    /// Runs one call of `scenario` to `user` at the server; exit status 0 means the scenario completed.
    static func call(
        scenario name: String, user: String, serverPort: Int, rtpPort: Int, in folder: URL, timeout: Int = 30
    ) async throws -> (status: Int32, output: String) {
        let sipPort = try UDPTestSocket.freePort()
        let arguments = [
            "127.0.0.1:\(serverPort)", "-sf", scenario(name), "-s", user, "-m", "1", "-i", "127.0.0.1",
            "-p", "\(sipPort)", "-key", "rtpport", "\(rtpPort)", "-nostdin", "-timeout", "\(timeout)s",
            "-timeout_error", "-trace_err", "-error_file", folder.appendingPathComponent("sipp-errors.log").path,
        ]
        return try await withCheckedThrowingContinuation { continuation in
            // Not on the cooperative pool: a blocking wait there can starve the in-process server (2 cores).
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(arguments, in: folder) })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? String(contentsOf: folder.appendingPathComponent("sipp-errors.log"), encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: data, as: UTF8.self) + errors)
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
                let peak = payload.map { abs(Int(RTPEar.ulawDecode($0))) }.max() ?? 0
                let packet = Packet(at: .now, payloadType: datagram[1] & 0x7F, payload: payload, peak: peak)
                box.state.withLock { $0.packets.append(packet) }
            }
        }
    }

    var packets: [Packet] { box.state.withLock { $0.packets } }

    func stop() { box.state.withLock { $0.stop = true } }

    /// G.711 µ-law to linear PCM.
    static func ulawDecode(_ byte: UInt8) -> Int16 {
        let u = ~byte
        let sign = u & 0x80
        let exponent = Int((u >> 4) & 0x07)
        let mantissa = Int(u & 0x0F)
        let magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84
        return Int16(sign != 0 ? -magnitude : magnitude)
    }
}

/// The ear's packets and stop flag, shared with its reader thread.
final class EarState: Sendable {
    let state = Mutex<(packets: [RTPEar.Packet], stop: Bool)>(([], false))
}
