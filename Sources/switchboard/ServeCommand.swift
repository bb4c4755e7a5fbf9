// `switchboard serve`: answer SIP calls and run call flows — the configuration file (or the embedded defaults)
// plus SWITCHBOARD_* overrides and these options, assembled by `SwitchboardService`: flows, call log, model
// (live API, or recorded cassettes with no key), tools, admin API, and with `--record DIR` every call written as
// a replayable fixture (docs/fixtures.md). It runs as one ServiceGroup: SIGTERM or SIGINT ends live calls with
// BYE, waits for them, and stops every part in order (see SwitchboardService).
import ArgumentParser
import Foundation
import Logging
import Server

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Answer SIP calls and run call flows.")

    @OptionGroup var configFile: ConfigurationOption

    @Option(name: .long, help: "SIP listen address host:port (UDP). Default: the configuration's sip.listen.")
    var sip: String?

    @Option(name: .customLong("rtp-ports"), help: "RTP port range, e.g. 20000-20999 (even ports; RTCP on +1).")
    var rtpPorts: String?

    @Option(name: .long, help: "Codec preference, comma separated: pcmu, pcma, opus.")
    var codecs: String?

    @Option(name: .long, help: "The call log (SQLite file).")
    var db: String?

    @Option(name: .long, help: "Admin HTTP API host:port (port 0: any free port); empty disables it.")
    var admin: String?

    @Option(name: .long, help: "Write every call as a fixture folder under DIR (replay it with `switchboard replay`).")
    var record: String?

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
        let environment = ProcessInfo.processInfo.environment
        var configuration = try configFile.load()
        if let sip {
            _ = try Self.parseHostPort(sip)
            configuration.sip.listen = sip
        }
        if let rtpPorts {
            _ = try Self.parsePortRange(rtpPorts)
            configuration.sip.rtpPorts = rtpPorts
        }
        if let codecs {
            configuration.sip.codecs = codecs.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            if let bad = configuration.sip.codecs.first(where: { !["pcmu", "pcma", "opus"].contains($0) }) {
                throw ValidationError("unknown codec '\(bad)' (use pcmu, pcma, opus)")
            }
        }
        if let db { configuration.callLog.db = db }
        if let admin { configuration.admin.listen = admin }
        if let record { configuration.recordDir = record }

        let service = try await SwitchboardService.start(
            configuration: configuration, environment: environment, logger: logger)
        let shown = service.sip.localAddress.ipAddress ?? "127.0.0.1"
        var lines = ["listening on sip:\(shown):\(service.sipPort) (\(service.sip.tcpChannel == nil ? "udp" : "udp+tcp"))"]
        if let admin = service.admin, let port = await admin.listeningPort() {
            lines.append("admin on http://\(admin.configuration.host):\(port)")
        }
        lines.append("model: \(service.modelDescription)")
        if let dir = configuration.recordDir { lines.append("recording every call as a fixture under \(dir)") }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try await service.serviceGroup(logger: logger).run()
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
}
