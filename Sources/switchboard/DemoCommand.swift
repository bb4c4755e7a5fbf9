// `switchboard demo`: one complete offline call against a local server (see the type's comment).
import ArgumentParser
import Audio
import CallLog
import Foundation
import Logging
import NIOPosix
import Server

/// `switchboard demo`: a complete call on this machine, offline. The server runs on loopback with the
/// embedded defaults; Switchboard's own UAC dials it over real SIP/RTP and plays a recorded caller; with no
/// API key the model is answered by the recorded cassette served over HTTP (the live client path).
/// The configuration is the one every command reads (`--config`, $SWITCHBOARD_CONFIG, ./switchboard.yaml); run
/// outside a checkout with none of them, the demo uses the repository the binary was built from
/// (its deploy/switchboard.yaml and fixtures), so it works from any folder.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Place a complete SIP/RTP call to a local Switchboard, offline, and print its call log."
    )

    @OptionGroup var configFile: ConfigurationOption

    @Option(help: "The fixture whose caller audio and cassette the demo uses (relative: from here, else the repository).")
    var fixture = "fixtures/calls/agent-verify-lookup"

    @Option(help: "The number the demo caller dials (a flow in the configuration).")
    var dial = "support"

    @Option(help: "The caller's number (the demo accounts know +15550100001).")
    var from = "+15550100001"

    @Option(help: "Where to write what the caller heard.")
    var out = "demo-call.wav"

    @Option(help: "The call log.")
    var db = "switchboard.db"

    @Option(help: "Give up after this many seconds.")
    var limit = 90

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["SWITCHBOARD_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
            return handler
        }
        let logger = Logger(label: "switchboard.demo")
        let environment = ProcessInfo.processInfo.environment
        let root = Self.repositoryRoot()
        var options = configFile
        let located = SwitchboardConfiguration.locate(file: options.config, environment: environment)
        if located == nil, !FileManager.default.fileExists(atPath: "flows"), let root {
            options.config = root.appendingPathComponent("deploy/switchboard.yaml").path
        }
        var fixture = self.fixture
        if !fixture.hasPrefix("/"), !FileManager.default.fileExists(atPath: fixture), let root {
            fixture = root.appendingPathComponent(fixture).path
        }
        var configuration = try options.load()
        // The SIP port is whatever the system gives (the server reports it), media in a range of its own.
        configuration.sip.listen = "127.0.0.1:0"
        configuration.sip.rtpPorts = "31000-31999"
        configuration.callLog.db = db
        configuration.admin.listen = ""
        configuration.model.cassettes = fixture + "/cassette"
        configuration.apply(environment: environment)

        let caller = try WAVFile.read(path: fixture + "/caller.wav")
        var samples = caller.mono()
        if caller.sampleRate != 8000 {
            samples = try Resampler(from: caller.sampleRate, to: 8000).process(samples)
        }

        let service = try await SwitchboardService.start(
            configuration: configuration, environment: environment, logger: logger)
        print("Switchboard listening on sip:127.0.0.1:\(service.sipPort) (udp); model: \(service.modelDescription)")
        print("Calling sip:\(dial)@127.0.0.1:\(service.sipPort) from \(from), playing \(fixture)/caller.wav ...")
        fflush(nil)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let result: DemoCaller.Result
        do {
            result = try await DemoCaller.call(
                user: dial, host: "127.0.0.1", port: service.sipPort, callerNumber: from, audio: samples,
                limit: .seconds(limit), group: group)
        } catch {
            await service.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
        await service.callLog.flush()
        // Give the session a moment to write its end row, then close everything.
        try? await Task.sleep(for: .milliseconds(300))
        await service.stop()

        try WAVFile.write(WAVAudio(sampleRate: 8000, samples: result.heard), path: out)
        let seconds = Double(result.heard.count) / 8000
        print("Call ended (\(result.endReason)); wrote \(out) (\(String(format: "%.1f", seconds)) s the caller heard).\n")
        let store = try CallLogStore(path: db)
        guard let detail = try await store.call(id: result.callID) else {
            throw ValidationError("the call \(result.callID) is not in the call log \(db)")
        }
        print(CallLogText.detail(detail), terminator: "")
        guard result.established else { throw ExitCode(1) }
    }

    /// The checkout this binary was built in (`<root>/.build/<config>/switchboard`), found by walking up from the
    /// executable to a folder with deploy/switchboard.yaml; nil for an installed binary.
    static func repositoryRoot() -> URL? {
        guard let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() else { return nil }
        var folder = executable.deletingLastPathComponent()
        while folder.path != "/" {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("deploy/switchboard.yaml").path) {
                return folder
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
