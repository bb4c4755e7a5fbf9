// A SIPServer for the "SIP on real networks" tests: any bind address (0.0.0.0 too), advertised-address and
// protection settings, diagnostic handlers only (echo, tone, …), and sipp message traces read back.
import Bridges
import Foundation
import Logging

enum NetworkTestServer {
    static func start(
        host: String, advertised: SIPAdvertisedAddress = SIPAdvertisedAddress(), tcp: Bool = false,
        configure: (inout SIPBridge.Configuration) -> Void = { _ in }
    ) async throws -> SIPServer {
        var logger = Logger(label: "test.sip.network")
        logger.logLevel = .error
        let base = UInt16.random(in: 21000...59000) & ~1
        var bridge = SIPBridge.Configuration(codecs: [.pcmu, .pcma, .opus]) { [logger] user in
            DiagnosticHandlers.route(user: user, logger: logger) ?? .reject(404)
        }
        bridge.advertised = advertised
        configure(&bridge)
        var config = SIPServer.Configuration(
            host: host, port: 0, media: .init(bindHost: host, portRange: base...(base + 999)), bridge: bridge)
        config.tcp = tcp
        return try await SIPServer.start(configuration: config, logger: logger)
    }

    /// The first received 200 OK to INVITE in a sipp message trace.
    static func inviteOK(in trace: String) -> String? {
        let blocks = trace.components(separatedBy: "----------------------------------------------- ")
        return blocks.first { $0.contains("received") && $0.contains("SIP/2.0 200") && $0.contains("INVITE") }
    }
}
