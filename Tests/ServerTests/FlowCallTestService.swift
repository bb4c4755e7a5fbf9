// Test support for flow behaviour on live calls (issue 14): an in-process SwitchboardService on 127.0.0.1 with
// temporary flows, a temporary call log and recordings folder, and a bounded wait for a call's ended row.
import CallLog
import Foundation
import Logging
import SwitchboardTestKit
import Server
import Testing

struct FlowCallTestService {
    let folder: TempFolder
    let service: SwitchboardService
    let configuration: SwitchboardConfiguration

    var sipPort: Int { service.sipPort }

    /// Writes `flows` (file name → YAML) and starts the service; dialled number = file name without `.yaml`.
    static func start(
        flows: [String: String], in folder: TempFolder, environment: [String: String] = [:],
        configure: (inout SwitchboardConfiguration) -> Void = { _ in }
    ) async throws -> FlowCallTestService {
        let written = try writeFlows(flows, in: folder)
        var configuration = try self.configuration(flowsDir: written.dir, numbers: written.numbers, in: folder)
        configure(&configuration)
        return try await start(configuration: configuration, in: folder, environment: environment)
    }

    /// Starts an in-process service with `configuration` (usually `configuration(…)` adjusted by the test).
    static func start(
        configuration: SwitchboardConfiguration, in folder: TempFolder, environment: [String: String] = [:],
        logger: Logger = Logger(label: "flow-call-test")
    ) async throws -> FlowCallTestService {
        let service = try await SwitchboardService.start(
            configuration: configuration, environment: environment, logger: logger)
        return FlowCallTestService(folder: folder, service: service, configuration: configuration)
    }

    /// Writes `flows` (file name → YAML) into `folder/flows`; the numbers map each file name without `.yaml`.
    static func writeFlows(_ flows: [String: String], in folder: TempFolder) throws -> (dir: String, numbers: [String: String]) {
        let dir = folder.url.appendingPathComponent("flows")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var numbers: [String: String] = [:]
        for (file, body) in flows {
            try Data(body.utf8).write(to: dir.appendingPathComponent(file))
            numbers[(file as NSString).deletingPathExtension] = file
        }
        return (dir.path, numbers)
    }

    /// The one configuration of an in-process `serve` in a test: SIP on a free loopback port, `rtpPorts` RTP
    /// ports found free by the kernel, the call log and recordings in `folder`, no admin server, an empty
    /// cassette folder (no model exchange is replayed), accounts from fixtures/accounts.csv seeded into `folder`.
    /// `numbers` nil keeps the default dial plan.
    static func configuration(
        flowsDir: String, numbers: [String: String]?, in folder: TempFolder, rtpPorts: Int = 100
    ) throws -> SwitchboardConfiguration {
        var configuration = SwitchboardConfiguration()
        configuration.sip.listen = "127.0.0.1:\(try UDPTestSocket.freePort())"
        configuration.sip.rtpPorts = try UDPTestSocket.freeRTPPorts(count: rtpPorts)
        configuration.flows.dir = flowsDir
        if let numbers { configuration.flows.numbers = numbers }
        configuration.callLog.db = folder.path("calls.db")
        configuration.callLog.recordingsDir = folder.path("recordings")
        configuration.admin.listen = ""
        try FileManager.default.createDirectory(atPath: folder.path("no-cassettes"), withIntermediateDirectories: true)
        configuration.model.cassettes = folder.path("no-cassettes")
        configuration.tools.accountsCSV = CallerAudioRecordingTests.root.appendingPathComponent("fixtures/accounts.csv").path
        configuration.tools.accountsDB = folder.path("accounts.db")
        return configuration
    }

    /// The call's row once it has ended (the writer commits about every 100 ms), waiting at most `limit`.
    func endedCall(id: String? = nil, limit: Duration = .seconds(10)) async throws -> CallDetail {
        let store = try CallLogStore(path: configuration.callLog.db)
        let deadline = ContinuousClock.now + limit
        var last: CallDetail?
        while ContinuousClock.now < deadline {
            if let id {
                last = try? await store.call(id: id)
            } else if let summary = try? await store.listCalls().first {
                last = try? await store.call(id: summary.id)
            }
            if let detail = last, detail.call.endedAt != nil { return detail }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServeTestError("no ended call row within \(limit) (last: \(String(describing: last?.call)))")
    }

    func stop() async { await service.stop() }
}
