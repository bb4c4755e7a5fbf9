// Test support for flow behaviour on live calls (issue 14): an in-process SwitchboardService on 127.0.0.1 with
// temporary flows, a temporary call log and recordings folder, and a bounded wait for a call's ended row.
import CallLog
import Foundation
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
        let dir = folder.url.appendingPathComponent("flows")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var numbers: [String: String] = [:]
        for (file, body) in flows {
            try Data(body.utf8).write(to: dir.appendingPathComponent(file))
            numbers[(file as NSString).deletingPathExtension] = file
        }
        var configuration = SwitchboardConfiguration()
        configuration.sip.listen = "127.0.0.1:\(try UDPTestSocket.freePort())"
        let low = 40_000 + 2 * Int.random(in: 0..<4_000)
        configuration.sip.rtpPorts = "\(low)-\(low + 99)"
        configuration.flows.dir = dir.path
        configuration.flows.numbers = numbers
        configuration.callLog.db = folder.path("calls.db")
        configuration.callLog.recordingsDir = folder.path("recordings")
        configuration.admin.listen = ""
        try FileManager.default.createDirectory(atPath: folder.path("no-cassettes"), withIntermediateDirectories: true)
        configuration.model.cassettes = folder.path("no-cassettes")
        configuration.tools.accountsCSV = CallerAudioRecordingTests.root.appendingPathComponent("fixtures/accounts.csv").path
        configuration.tools.accountsDB = folder.path("accounts.db")
        configure(&configuration)
        let service = try await SwitchboardService.start(
            configuration: configuration, environment: environment, logger: .init(label: "flow-call-test"))
        return FlowCallTestService(folder: folder, service: service, configuration: configuration)
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
