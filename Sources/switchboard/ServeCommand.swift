// `switchboard serve`: answer SIP calls over UDP. Until flows are routed here, the dialled user part picks a
// built-in diagnostic handler (echo, tone, dtmf, transfer, ring); anything else gets 404.
import ArgumentParser
import Bridges
import Dispatch
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Answer SIP calls and run call flows.")

    @Option(name: .long, help: "SIP listen address host:port (UDP).")
    var sip: String = "127.0.0.1:5080"

    @Option(name: .customLong("rtp-ports"), help: "RTP port range, e.g. 20000-20999 (even ports; RTCP on +1).")
    var rtpPorts: String = "20000-20999"

    @Option(name: .long, help: "Codec preference, comma separated: pcmu, pcma, opus.")
    var codecs: String = "pcmu,pcma,opus"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "switchboard.serve")
        let (host, port) = try Self.parseHostPort(sip)
        let range = try Self.parsePortRange(rtpPorts)
        let codecList = try codecs.split(separator: ",").map { name in
            guard let c = MediaCodec(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("unknown codec '\(name)' (use pcmu, pcma, opus)")
            }
            return c
        }
        let bridgeConfig = SIPBridge.Configuration(codecs: codecList) { user in
            DiagnosticHandlers.route(user: user, logger: logger) ?? .reject(404)
        }
        let server = try await SIPServer.start(
            configuration: .init(
                host: host, port: port, media: .init(bindHost: host, portRange: range), bridge: bridgeConfig),
            logger: logger)
        let shown = server.localAddress.ipAddress ?? host
        FileHandle.standardOutput.write(Data("listening on sip:\(shown):\(server.localAddress.port ?? port) (udp)\n".utf8))
        await Self.waitForTermination()
        logger.info("shutting down: ending live calls")
        await server.stop()
    }

    static func parseHostPort(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { throw ValidationError("--sip must be host:port, got '\(text)'") }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    static func parsePortRange(_ text: String) throws -> ClosedRange<UInt16> {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let lo = UInt16(parts[0]), let hi = UInt16(parts[1]), lo < hi else {
            throw ValidationError("--rtp-ports must be LOW-HIGH, got '\(text)'")
        }
        return lo...hi
    }

    /// Suspends until SIGINT or SIGTERM.
    static func waitForTermination() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let stream = AsyncStream<Int32> { continuation in
            let box = SignalSources(
                [SIGINT, SIGTERM].map { sig in
                    let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                    source.setEventHandler { continuation.yield(sig) }
                    source.resume()
                    return source
                })
            continuation.onTermination = { _ in box.cancel() }
        }
        for await _ in stream { return }
    }
}

/// Keeps the signal sources alive until the stream ends (Dispatch sources are thread-safe).
private final class SignalSources: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}
