// The built executable against the configuration, from outside the repository: `serve --config` with the sample
// answers a call to a flow from any folder; a file with a misspelt key, a wrong type and an unknown provider stops
// `serve` and `config check` with three positioned messages; without a configuration and without flows `serve`
// says what to give; `chat --flow flows/support.yaml` runs lookup_account on the accounts `serve` uses.
import Audio
import Foundation
import GRDB
import Server
import SwitchboardTestKit
import Testing

@Suite("serve and chat from any folder, with the configuration", .tags(.integration), .serialized)
struct ServeConfigurationTests {
    static let repository = ConfigurationTests.repository
    static let sample = repository.appendingPathComponent("deploy/switchboard.yaml").path

    static func binary() throws -> URL {
        try #require(CallLogCrashTests.switchboardBinary(), "build the switchboard executable (swift build) first")
    }

    @Test(.timeLimit(.minutes(1)))
    func serveWithTheSampleFromAnotherFolderAnswersACallToAFlow() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let db = folder.path("calls.db")
        let low = try UDPTestSocket.freePortRange(count: 201).lowerBound
        let serve = try ServeTestProcess(
            binary: try Self.binary(),
            arguments: [
                "serve", "--config", Self.sample, "--sip", "127.0.0.1:0", "--admin", "", "--db", db,
                "--rtp-ports", "\(low)-\(low + 200)", "--log-level", "warning",
            ],
            directory: folder.url, stderrPath: folder.path("serve.log"), limit: .seconds(50))
        defer { serve.cleanup() }
        let sipLine = try await serve.line(startingWith: "listening on sip:")
        let sipPort = try #require(ServeTestProcess.port(in: sipLine))
        #expect(sipPort > 0)

        let phone = try SIPTestPhone(serverPort: sipPort)
        let callID = "any-folder-\(UUID().uuidString)"
        // `call` throws unless the INVITE is answered 200 with an SDP answer.
        let dialog = try phone.call(user: "support", callID: callID, caller: "+15550100001")
        // The support flow greets the caller: a bot turn of this call in the configured call log.
        try await ServeCrashTests.waitFor(db, "the support flow's greeting logged") { db in
            try ServeCrashTests.count(db, "SELECT count(*) FROM turns WHERE call_id = ?", [callID]) > 0
        }
        try phone.hangUp(dialog)
        #expect(await serve.terminate(grace: .seconds(15)), "serve did not exit on SIGTERM: \(serve.stderr.suffix(2000))")
    }

    @Test(.timeLimit(.minutes(1)))
    func aBadConfigurationStopsServeAndConfigCheckWithThreePositionedMessages() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let file = folder.path("bad.yaml")
        try "sip:\n  lisen: \"127.0.0.1:5080\"\ntools:\n  max_calls_per_turn: many\nmodel:\n  provider: opnai\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let expected = [
            "\(file):2:3: unknown key `lisen` in sip; did you mean `listen`?",
            "\(file):4:23: tools.max_calls_per_turn must be a whole number, found `many`",
            "\(file):6:13: model.provider: unknown value `opnai`; did you mean `openai`? (use openai, aimlapi, cometapi)",
        ]
        let serve = try await ServeTestProcess.run(
            binary: try Self.binary(), ["serve", "--config", file, "--sip", "127.0.0.1:0", "--admin", ""], in: folder)
        #expect(serve.status == 1)
        #expect(serve.stderr.split(separator: "\n").map(String.init) == expected, "\(serve.stderr)")

        let check = try await ServeTestProcess.run(binary: try Self.binary(), ["config", "check", file], in: folder)
        #expect(check.status == 1)
        #expect(check.stdout.split(separator: "\n").map(String.init) == expected, "\(check.stdout)")

        let sample = try await ServeTestProcess.run(binary: try Self.binary(), ["config", "check", Self.sample], in: folder)
        #expect(sample.status == 0, "\(sample.stdout)\(sample.stderr)")
    }

    @Test(.timeLimit(.minutes(1)))
    func serveWithoutConfigurationOrFlowsSaysWhichFileOrFlagToGive() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let serve = try await ServeTestProcess.run(
            binary: try Self.binary(), ["serve", "--sip", "127.0.0.1:0", "--admin", ""], in: folder)
        #expect(serve.status != 0)
        #expect(serve.stderr.contains("no valid flow in "), "\(serve.stderr)")
        #expect(serve.stderr.contains("--config FILE") && serve.stderr.contains("deploy/switchboard.yaml"))
    }

    @Test(.timeLimit(.minutes(1)))
    func chatWithTheSupportFlowRunsLookupAccountOnTheAccountsServeUses() async throws {
        // serve (from the repository, or anywhere with the sample) and chat use the same accounts file.
        let sampleConfig = try SwitchboardConfiguration.load(file: Self.sample, environment: [:])
        let here = try SwitchboardConfiguration.load(file: nil, environment: [:])
        let repositoryAccounts = Self.repository.appendingPathComponent(here.tools.accountsDB).standardizedFileURL.path
        #expect(sampleConfig.tools.accountsDB == repositoryAccounts)

        let model = try await OpenAITestServer.start()
        let toolCall = [
            #"{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup_account","arguments":"{}"}}]},"finish_reason":null}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
        ]
        let spoken = [
            #"{"choices":[{"index":0,"delta":{"role":"assistant","audio":{"id":"audio_1","transcript":"Found it."}},"finish_reason":null}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        ]
        model.enqueue(.sse(toolCall), .sse(spoken))
        let folder = try TempFolder()
        defer { folder.remove() }
        try WAVFile.write(WAVAudio(sampleRate: 8000, samples: [Int16](repeating: 0, count: 8000)), path: folder.path("in.wav"))
        let chat = try ServeTestProcess(
            binary: try Self.binary(),
            arguments: [
                "chat", "--flow", "flows/support.yaml", "--audio", folder.path("in.wav"), "--out", folder.path("out.wav"),
                "--base-url", model.baseURL, "--caller", "+15550100001",
            ],
            directory: Self.repository, stderrPath: folder.path("chat.log"), limit: .seconds(40))
        defer { chat.cleanup() }
        await chat.waitForExit(limit: .seconds(40))
        // The reader thread has the last lines (the summary ends with `usage:`) right after the exit.
        let deadline = ContinuousClock.now + .seconds(2)
        while !chat.stdout.contains("usage:") && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let output = chat.stdout
        #expect(chat.exitStatus == 0, "\(output)\n\(chat.stderr)")
        let result = try #require(output.split(separator: "\n").first { $0.hasPrefix("tool result: lookup_account") })
        #expect(result.contains(#""name":"Ada Lovelace""#), "\(result)")
        #expect(!result.contains("no accounts database"))
    }
}
