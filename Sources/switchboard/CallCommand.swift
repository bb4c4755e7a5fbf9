// `switchboard call`: place a call through a trunk and run a flow when it is answered (issue 15). It asks the
// running `serve` (its admin API, `admin.listen` of the configuration unless `--admin` says otherwise, the
// bearer token from `admin.token_env`) with `POST /calls` and prints the outcome: exit 0 when answered, 1 for
// busy / no answer / failure, 2 when the request itself was refused.
import ArgumentParser
import Foundation
import Server

struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Place a call through a trunk and run a flow when it is answered (via the running serve).")

    @OptionGroup var configFile: ConfigurationOption

    @Option(name: .long, help: "The number (or SIP user part) to call.")
    var to: String

    @Option(name: .long, help: "The flow file (in flows.dir) to run when the call is answered.")
    var flow: String

    @Option(name: .long, help: "The trunk to call through (trunks[].name); default: the first trunk.")
    var trunk: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Flow variables, k=v (repeatable).")
    var vars: [String] = []

    @Option(name: .customLong("ring-timeout"), help: "Seconds it may ring before it counts as no answer.")
    var ringTimeout: Int = 30

    @Option(name: .long, help: "The running serve's admin API host:port. Default: the configuration's admin.listen.")
    var admin: String?

    func run() async throws {
        let configuration = try configFile.load()
        var variables: [String: String] = [:]
        for pair in vars {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("--vars takes k=v, got '\(pair)'")
            }
            variables[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let address = admin ?? configuration.admin.listen
        guard !address.isEmpty else { throw ValidationError("admin.listen is empty: give --admin host:port of the running serve") }
        let request = OutboundCallRequest(
            to: to, flow: flow, trunk: trunk, vars: variables.isEmpty ? nil : variables, ringTimeout: ringTimeout)
        let token = ProcessInfo.processInfo.environment[configuration.admin.tokenEnv]
        let result: (status: Int, body: String, response: OutboundCallResponse?)
        do {
            result = try await AdminClient.placeCall(request, admin: address, token: token)
        } catch {
            FileHandle.standardError.write(Data("cannot reach serve's admin API at \(address): \(error)\n".utf8))
            throw ExitCode(2)
        }
        guard let response = result.response else {
            FileHandle.standardError.write(Data("refused (HTTP \(result.status)): \(result.body)".utf8))
            throw ExitCode(2)
        }
        let status = response.sipStatus.map { " (SIP \($0))" } ?? ""
        print("call \(response.callID) to \(to) via \(response.trunk): \(response.outcome)\(status)")
        if response.outcome != "answered" { throw ExitCode(1) }
    }
}
