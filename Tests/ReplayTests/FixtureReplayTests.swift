import Foundation
import Replay
import Testing

/// Every shipped fixture replays and meets its expectations; replays are deterministic; a cassette that no
/// longer matches what the flow asks is reported, not papered over.
@Suite struct FixtureReplayTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static var fixtures: URL { root.appendingPathComponent("fixtures/calls") }

    static func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("replay-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func atLeastSixFixturesAreShipped() throws {
        let folders = try Fixture.discover([Self.fixtures])
        #expect(folders.count >= 6)
    }

    @Test(arguments: try! Fixture.discover([FixtureReplayTests.fixtures]).map(\.lastPathComponent))
    func shippedFixturePasses(name: String) async throws {
        let result = await Replayer(options: .init()).replay(folder: Self.fixtures.appendingPathComponent(name))
        #expect(result.error == nil, "\(result.error?.message ?? "")")
        #expect(result.failures.isEmpty, "\(result.failures.map(\.description).joined(separator: "\n"))")
    }

    @Test func replayingTwiceGivesByteIdenticalOutput() async throws {
        let folder = Self.fixtures.appendingPathComponent("barge-in-mid-reply")
        var outputs: [[Data]] = []
        for run in 0..<2 {
            let out = try Self.temporaryFolder("det\(run)")
            defer { try? FileManager.default.removeItem(at: out) }
            let result = await Replayer(options: .init(outDir: out)).replay(folder: folder)
            #expect(result.passed)
            let dir = out.appendingPathComponent("barge-in-mid-reply")
            outputs.append(try ["bot.wav", "events.jsonl"].map { try Data(contentsOf: dir.appendingPathComponent($0)) })
        }
        #expect(outputs[0][1] == outputs[1][1], "events.jsonl differs")
        #expect(outputs[0][0] == outputs[1][0], "bot.wav differs")
        if outputs[0][1] != outputs[1][1] {
            try? outputs[0][1].write(to: URL(fileURLWithPath: "/tmp/det-a.jsonl"))
            try? outputs[1][1].write(to: URL(fileURLWithPath: "/tmp/det-b.jsonl"))
        }
        #expect(outputs[0][0].count > 44 + 8000 * 2 * 5, "bot.wav holds seconds of audio")
        let events = String(decoding: outputs[0][1], as: UTF8.self)
        #expect(events.contains("\"event\":\"barge_in\""))
    }

    /// Copies a fixture, changes what the recorded request said, and expects a mismatch report.
    @Test func aChangedRequestIsReportedAsACassetteMismatch() async throws {
        let copy = try Self.temporaryFolder("mismatch")
        defer { try? FileManager.default.removeItem(at: copy) }
        let source = Self.fixtures.appendingPathComponent("agent-verify-failed")
        let target = copy.appendingPathComponent("agent-verify-failed")
        try FileManager.default.copyItem(at: source, to: target)
        // The fixture now says where its flow is from the copy's place.
        let yaml = try String(contentsOf: target.appendingPathComponent("fixture.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "../../../flows/support.yaml", with: Self.root.appendingPathComponent("flows/support.yaml").path)
            .replacingOccurrences(of: "../../accounts.csv", with: Self.root.appendingPathComponent("fixtures/accounts.csv").path)
        try yaml.write(to: target.appendingPathComponent("fixture.yaml"), atomically: true, encoding: .utf8)
        let recorded = #"{"model":"gpt-audio-mini","messages":[{"role":"system","content":"You are a different assistant."},{"role":"user","content":[]}],"tools":[{"type":"function","function":{"name":"lookup_account"}}]}"#
        try Data(recorded.utf8).write(to: target.appendingPathComponent("cassette/0001.request.json"))
        let result = await Replayer(options: .init()).replay(folder: target)
        #expect(!result.passed)
        let text = result.failures.map(\.description).joined(separator: "\n")
        #expect(text.contains("request 1: instructions differ"), "\(text)")
        #expect(text.contains("request 1: tools differ"), "\(text)")
    }

    @Test func aBrokenFixtureIsAnErrorNotACrash() async throws {
        let folder = try Self.temporaryFolder("broken")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("format: 1\nname: [unclosed\n".utf8).write(to: folder.appendingPathComponent("fixture.yaml"))
        let result = await Replayer(options: .init()).replay(folder: folder)
        #expect(result.error?.code == .fixture)
        #expect(JUnitReport.xml([result]).contains("<error"))
    }
}
