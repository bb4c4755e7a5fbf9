// The configuration file: every key optional, section by section; environment overrides; bad files named.
import Foundation
import Server
import Testing

@Suite struct ConfigurationTests {
    private func load(_ yaml: String, environment: [String: String] = [:]) throws -> SwitchboardConfiguration {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-config-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try SwitchboardConfiguration.load(file: file.path, environment: environment)
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
            """)
        let defaults = SwitchboardConfiguration()
        #expect(config.sip.rtpPorts == "40000-40400")
        #expect(config.sip.listen == defaults.sip.listen)
        #expect(config.sip.codecs == defaults.sip.codecs)
        #expect(config.tools.maxCallsPerTurn == 2)
        #expect(config.tools.maxCallsPerCall == defaults.tools.maxCallsPerCall)
        #expect(config.tools.accountsCSV == defaults.tools.accountsCSV)
        #expect(config.admin.tokenEnv == "MY_TOKEN")
        #expect(config.admin.listen == defaults.admin.listen)
        #expect(config.callLog.db == defaults.callLog.db)
        #expect(config.flows == defaults.flows)
    }

    @Test func environmentOverridesTheFile() throws {
        let config = try load("sip: {listen: \"127.0.0.1:5070\"}\n", environment: ["SWITCHBOARD_SIP_LISTEN": "127.0.0.1:6000"])
        #expect(config.sip.listen == "127.0.0.1:6000")
    }

    @Test func aWrongTypeIsAnErrorNamingTheFile() throws {
        #expect(throws: ConfigurationError.self) {
            _ = try load("tools:\n  max_calls_per_turn: many\n")
        }
    }
}
