import Bridges
import Foundation
import Testing
import SwitchboardTestKit

/// Integration: the real server on 127.0.0.1 against sipp (Debian sip-tester) with the scenarios in
/// deploy/sipp. Each sipp run is short (-timeout); sipp's exit status 0 means every call succeeded.
@Suite("SIP integration (sipp, real sockets)", .tags(.integration), .serialized, .requires(.sipp))
struct SIPPIntegrationTests {
    static func common(_ server: TestServer, user: String) throws -> [String] {
        [
            "127.0.0.1:\(server.sipPort)", "-s", user, "-i", "127.0.0.1", "-p", "\(try UDPTestSocket.freePort())",
            "-mi", "127.0.0.1", "-mp", "\(try UDPTestSocket.freeMediaPort())",
        ]
    }

    static func scenario(_ name: String) -> String { SIPp.scenarioFolder.appendingPathComponent(name).path }

    @Test func basicCallWithRTPToEcho() async throws {
        let server = try await TestServer.start()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-rtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let speech = try Speech.ulaw(text: "Hello, this is a test call to the echo service.", in: dir)
        try Data(speech).write(to: dir.appendingPathComponent("audio.ulaw"))
        let run = try await SIPp.run(
            ["-sf", Self.scenario("uac_rtp_call.xml"), "-m", "1"] + Self.common(server, user: "echo"), in: dir)
        let stats = try await server.statistics()
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(stats.callsAnswered == 1)
    }

    @Test func cancelBeforeAnswerGets487() async throws {
        let server = try await TestServer.start()
        let run = try await SIPp.run(["-sf", Self.scenario("uac_cancel.xml"), "-m", "1"] + Self.common(server, user: "ring"))
        let stats = try await server.statistics()
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(stats.callsCancelled == 1)
        #expect(stats.callsAnswered == 0)
    }

    @Test func optionsAnswered() async throws {
        let server = try await TestServer.start()
        let run = try await SIPp.run(["-sf", Self.scenario("uac_options.xml"), "-m", "1"] + Self.common(server, user: "echo"))
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(2000))")
    }

    @Test func infoDTMFSurfacesDigits() async throws {
        let server = try await TestServer.start()
        let run = try await SIPp.run(["-sf", Self.scenario("uac_info_dtmf.xml"), "-m", "1"] + Self.common(server, user: "dtmf"))
        try await Task.sleep(for: .milliseconds(100))
        let digits = server.digits
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(digits == ["5:sipInfo", "#:sipInfo"])
    }

    @Test func referFromSwitchboardAcceptedBySipp() async throws {
        let server = try await TestServer.start()
        let run = try await SIPp.run(["-sf", Self.scenario("uac_refer.xml"), "-m", "1"] + Self.common(server, user: "transfer"))
        let stats = try await server.statistics()
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(stats.transfersAccepted == 1)
    }

    @Test func unknownNumberGets404() async throws {
        let server = try await TestServer.start()
        let run = try await SIPp.run(["-sn", "uac", "-m", "1"] + Self.common(server, user: "nobody"), timeout: 10)
        let stats = try await server.statistics()
        await server.stop()
        #expect(run.status != 0)
        #expect(stats.callsRejected == 1)
    }

    @Test func twoHundredCallsAtTwentyPerSecond() async throws {
        let server = try await TestServer.start()
        let run = try await SIPp.run(
            ["-sn", "uac", "-m", "200", "-r", "20", "-l", "200"] + Self.common(server, user: "echo"), timeout: 60)
        let stats = try await server.statistics()
        let ports = try await server.server.media.eventLoop.submit { server.server.media.portsInUse }.get()
        await server.stop()
        #expect(run.status == 0, "\(run.output.suffix(2000))")
        #expect(stats.callsAnswered == 200)
        #expect(stats.callsEnded == 200)
        #expect(ports == 0)
    }
}

enum Speech {
    /// Real speech from espeak-ng as raw 8 kHz µ-law (sox); a synthetic vowel-like signal if they are missing.
    static func ulaw(text: String, in dir: URL) throws -> [UInt8] {
        try RequiredPeer.require([.espeakNG, .sox])
        let wav = dir.appendingPathComponent("speech.wav").path
        let raw = dir.appendingPathComponent("speech.ulaw").path
        if run("/usr/bin/espeak-ng", ["-w", wav, text]),
            run("/usr/bin/sox", [wav, "-t", "raw", "-e", "mu-law", "-b", "8", "-r", "8000", "-c", "1", raw]),
            let data = FileManager.default.contents(atPath: raw), data.count > 1600
        {
            return Array(data)
        }
        throw TestError("espeak-ng/sox could not make speech")
    }

    private static func run(_ path: String, _ args: [String]) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
