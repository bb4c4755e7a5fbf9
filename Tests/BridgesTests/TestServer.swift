import Bridges
import Foundation
import Logging
import NIOCore
import Synchronization

/// Starts a `SIPServer` on 127.0.0.1, an ephemeral SIP port and a random RTP range, with the diagnostic
/// handlers; records digits the `dtmf` handler reports.
final class TestServer: Sendable {
    let server: SIPServer
    let digitBox: DigitBox

    var sipPort: Int { server.localAddress.port ?? 0 }

    private init(server: SIPServer, digitBox: DigitBox) {
        self.server = server
        self.digitBox = digitBox
    }

    var digits: [String] { digitBox.values.withLock { $0 } }

    static func start() async throws -> TestServer {
        var logger = Logger(label: "test.sip")
        logger.logLevel = .error
        let base = UInt16.random(in: 21000...59000) & ~1
        let recorder = DigitBox()
        let config = SIPServer.Configuration(
            host: "127.0.0.1", port: 0,
            media: .init(bindHost: "127.0.0.1", portRange: base...(base + 999)),
            bridge: .init(codecs: [.pcmu, .pcma, .opus]) { [logger] user in
                DiagnosticHandlers.route(user: user, logger: logger) { _, digit, source in
                    recorder.append("\(digit):\(source.rawValue)")
                } ?? .reject(404)
            })
        let server = try await SIPServer.start(configuration: config, logger: logger)
        return TestServer(server: server, digitBox: recorder)
    }

    func stop() async { await server.stop() }

    func statistics() async throws -> SIPBridge.Statistics { try await server.bridge.currentStatistics().get() }
}

final class DigitBox: Sendable {
    let values = Mutex<[String]>([])
    func append(_ s: String) { values.withLock { $0.append(s) } }
}

/// Runs sipp with a scenario from deploy/sipp (or a built-in one) against the server; returns exit status
/// and stderr/stdout text.
enum SIPp {
    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/sipp") }

    static var scenarioFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/sipp")
    }

    /// Runs sipp to the end. The blocking pipe read and wait happen on a thread of their own: on a 2-core
    /// machine the cooperative pool has two threads, and holding one for a whole sipp run starved the server
    /// side of the test (unanswered INVITEs, seen once in a fresh-clone run).
    static func run(_ arguments: [String], cwd: URL? = nil, timeout: Int = 30) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(arguments, cwd: cwd, timeout: timeout) })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], cwd: URL?, timeout: Int) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        process.arguments = arguments + ["-nostdin", "-timeout", "\(timeout)s", "-timeout_error"]
        let dir = cwd ?? FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        process.currentDirectoryURL = dir
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
