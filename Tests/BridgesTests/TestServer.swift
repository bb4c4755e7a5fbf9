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
