// The configuration file: every key optional, section by section; strict decoding with every problem positioned;
// relative paths from the file's folder; environment overrides; the sample deploy/switchboard.yaml and
// docs/configuration.md kept complete against the one key table.
import Foundation
import Server
import SwitchboardTestKit
import Testing

@Suite struct ConfigurationTests {
    /// The repository's top folder (this file is Tests/ServerTests/ConfigurationTests.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private func write(_ yaml: String, in folder: TemporaryDirectory) throws -> String {
        let file = folder.url.appendingPathComponent("switchboard.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    private func load(_ yaml: String, environment: [String: String] = [:]) throws -> SwitchboardConfiguration {
        let folder = try TemporaryDirectory(prefix: "config")
        defer { folder.remove() }
        return try SwitchboardConfiguration.load(file: write(yaml, in: folder), environment: environment)
    }

    /// The problems of `yaml` as `line:column: message` (the file name cut off).
    private func problems(_ yaml: String) throws -> [String] {
        let (config, diagnostics) = SwitchboardConfiguration.decode(data: Data(yaml.utf8), file: "c.yaml")
        #expect((config == nil) == !diagnostics.isEmpty)
        return diagnostics.map { String($0.description.dropFirst("c.yaml:".count)) }
    }

    @Test func aSectionWithSomeKeysKeepsTheOtherDefaults() throws {
        let config = try load(
            """
            sip:
              rtp_ports: "40000-40400"
            tools:
              max_calls_per_turn: 2
            admin:
              token_env: MY_TOKEN
            call_log: {}
            flows:
            """)
        let defaults = SwitchboardConfiguration()
        #expect(config.sip.rtpPorts == "40000-40400")
        #expect(config.sip.listen == defaults.sip.listen)
        #expect(config.sip.codecs == defaults.sip.codecs)
        #expect(config.tools.maxCallsPerTurn == 2)
        #expect(config.tools.maxCallsPerCall == defaults.tools.maxCallsPerCall)
        #expect(config.admin.tokenEnv == "MY_TOKEN")
        #expect(config.admin.listen == defaults.admin.listen)
        #expect(config.flows.numbers == defaults.flows.numbers)
    }

    @Test func environmentOverridesTheFile() throws {
        let config = try load("sip: {listen: \"127.0.0.1:5070\"}\n", environment: ["SWITCHBOARD_SIP_LISTEN": "127.0.0.1:6000"])
        #expect(config.sip.listen == "127.0.0.1:6000")
    }

    @Test func aMisspeltKeyAWrongTypeAndAnUnknownProviderAreThreePositionedProblems() throws {
        let found = try problems(
            """
            sip:
              lisen: "127.0.0.1:5080"
            tools:
              max_calls_per_turn: many
            model:
              provider: opnai
            """)
        #expect(
            found == [
                "2:3: unknown key `lisen` in sip; did you mean `listen`?",
                "4:23: tools.max_calls_per_turn must be a whole number, found `many`",
                "6:13: model.provider: unknown value `opnai`; did you mean `openai`? (use openai, aimlapi, cometapi)",
            ])
    }

    @Test func everyProblemIsReportedNotOnlyTheFirst() throws {
        let found = try problems(
            """
            sip: {listen: "nowhere", rtp_ports: "9-3", codecs: [pcmu, g729]}
            flow: {dir: flows}
            admin: [127.0.0.1]
            record_numbers: support
            tools: {max_calls_per_call: 0, webhook_allow: [{a: b}]}
            """)
        #expect(found.count == 8, "\(found)")
        #expect(found.contains("1:15: sip.listen: `nowhere` is not host:port (e.g. 127.0.0.1:5080)"))
        #expect(found.contains { $0.hasPrefix("1:37: sip.rtp_ports:") })
        #expect(found.contains { $0.hasPrefix("1:59: each entry of sip.codecs: unknown value `g729`") })
        #expect(found.contains("2:1: unknown key `flow` at the top level; did you mean `flows`?"))
        #expect(found.contains("3:8: admin must be a mapping, found a list"))
        #expect(found.contains("4:17: record_numbers must be a list, found a scalar"))
        #expect(found.contains { $0.hasPrefix("5:29: tools.max_calls_per_call must be between 1 and 1000") })
        #expect(found.contains("5:48: each entry of tools.webhook_allow must be text, found a mapping"))
    }

    @Test func yamlSyntaxErrorsAndAliasesArePositionedToo() throws {
        #expect(try problems("sip: {listen: \"x\"\n").first?.hasPrefix("2:1: YAML syntax error") == true)
        #expect(try problems("a: &x 1\nb: *x\n") == ["1:4: YAML anchors and aliases (`&x`) are not allowed in configuration files"])
        #expect(try problems("") == ["1:1: file is empty: write at least one section (see deploy/switchboard.yaml)"])
    }

    @Test func relativePathsAreTakenFromTheFilesFolder() throws {
        let folder = try TemporaryDirectory(prefix: "config-paths")
        defer { folder.remove() }
        let file = try write(
            """
            flows: {dir: my-flows}
            call_log: {db: /var/lib/switchboard/calls.db}
            tools: {accounts_db: data/accounts.db}
            model: {cassettes: ../cassettes}
            record_dir: fixtures-out
            """, in: folder)
        let config = try SwitchboardConfiguration.load(file: file, environment: [:])
        let base = folder.url.standardizedFileURL.path
        #expect(config.flows.dir == base + "/my-flows")
        #expect(config.callLog.db == "/var/lib/switchboard/calls.db")
        #expect(config.tools.accountsDB == base + "/data/accounts.db")
        // What the file omits is taken from its folder as well.
        #expect(config.tools.accountsCSV == base + "/fixtures/accounts.csv")
        #expect(config.callLog.recordingsDir == base + "/recordings")
        #expect(config.model.cassettes == folder.url.deletingLastPathComponent().standardizedFileURL.path + "/cassettes")
        #expect(config.recordDir == base + "/fixtures-out")
        #expect(config.flowFile(forDialled: "support") == base + "/my-flows/support.yaml")
    }

    @Test func withoutAFileTheDefaultsStayRelativeToTheWorkingFolder() throws {
        let config = try SwitchboardConfiguration.load(file: nil, environment: [:])
        #expect(config == SwitchboardConfiguration())
        #expect(config.tools.accountsDB == "accounts.db")
        #expect(config.tools.accountsCSV == "fixtures/accounts.csv")
    }

    @Test func theSampleConfigurationLoadsAndPassesTheCheck() throws {
        let sample = Self.repository.appendingPathComponent("deploy/switchboard.yaml").path
        let check = SwitchboardConfiguration.check(file: sample, environment: [:])
        #expect(check.problems == [])
        let config = try #require(check.configuration)
        #expect(config.flows.dir == Self.repository.appendingPathComponent("flows").standardizedFileURL.path)
        #expect(FileManager.default.fileExists(atPath: config.tools.accountsCSV))
        #expect(check.summary.contains { $0.hasPrefix("flows: 3 in ") }, "\(check.summary)")
    }

    @Test func theSampleAndTheDocsDescribeEveryKey() throws {
        let sample = try String(contentsOf: Self.repository.appendingPathComponent("deploy/switchboard.yaml"), encoding: .utf8)
        let docs = try String(contentsOf: Self.repository.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        for name in SwitchboardConfiguration.keyNames {
            let leaf = String(name.split(separator: ".").last ?? "")
            #expect(sample.contains("\(leaf):"), "deploy/switchboard.yaml does not show `\(name)`")
            #expect(docs.contains("`\(name)`"), "docs/configuration.md does not describe `\(name)`")
        }
    }

    @Test func anUnknownProviderFromTheEnvironmentIsAnError() throws {
        let config = try load("model: {provider: aimlapi}\n", environment: ["SWITCHBOARD_PROVIDER": "acme"])
        #expect(throws: ConfigurationError.self) { try config.providerProfile() }
        #expect(try load("model: {provider: aimlapi, model: m1}\n").providerProfile().name == "aimlapi")
        #expect(try load("model: {provider: aimlapi, model: m1}\n").providerProfile().model == "m1")
    }

    @Test func theAccountsDatabaseIsSeededFromTheCSVOnFirstUse() throws {
        let folder = try TemporaryDirectory(prefix: "config-accounts")
        defer { folder.remove() }
        let file = try write(
            "tools: {accounts_db: accounts.db, accounts_csv: \(Self.repository.path)/fixtures/accounts.csv}\n", in: folder)
        let config = try SwitchboardConfiguration.load(file: file, environment: [:])
        #expect(!FileManager.default.fileExists(atPath: config.tools.accountsDB))
        let accounts = try #require(try config.openAccounts())
        #expect(accounts.path == config.tools.accountsDB)
        #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("accounts.db").path))

        var missing = config
        missing.tools.accountsDB = folder.url.appendingPathComponent("none.db").path
        missing.tools.accountsCSV = folder.url.appendingPathComponent("none.csv").path
        #expect(try missing.openAccounts() == nil)
    }
}
