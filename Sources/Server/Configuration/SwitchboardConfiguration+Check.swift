// Server: `switchboard config check` — a configuration file checked as `serve` would use it: the file itself
// (strict keys, types, values, positioned), then what it points at (the flows folder and the flow of every dialled
// number, the accounts files, the model provider).
import Flows
import Foundation

/// The outcome of checking one configuration file.
public struct ConfigurationCheck: Sendable {
    /// Every problem, `file:line:column: message` where the place is known. Empty: `serve` would start.
    public var problems: [String]
    /// What the file amounts to (flows loaded, where the call log and accounts are), for a person reading it.
    public var summary: [String]
    /// The settings, when the file itself decodes.
    public var configuration: SwitchboardConfiguration?
}

extension SwitchboardConfiguration {
    /// Checks the file at `file` (nil: the embedded defaults) with the environment's overrides applied.
    public static func check(file: String?, environment: [String: String]) -> ConfigurationCheck {
        let config: SwitchboardConfiguration
        do {
            config = try load(file: file, environment: environment)
        } catch {
            let problems = error.diagnostics.isEmpty ? [error.message] : error.diagnostics.map(\.description)
            return ConfigurationCheck(problems: problems, summary: [], configuration: nil)
        }
        var problems: [String] = []
        var summary: [String] = []
        do {
            let profile = try config.providerProfile()
            summary.append("model: \(profile.name), \(profile.model)")
        } catch {
            problems.append(error.message)
        }
        let voiceProfile = try? config.providerProfile()
        let flows = FlowRegistry(
            directory: config.flows.dir, voices: voiceProfile?.voices ?? [], provider: voiceProfile?.name ?? "")
        let report = flows.reload()
        for (_, refused) in report.refused.sorted(by: { $0.key < $1.key }) { problems += refused }
        if report.loaded.isEmpty {
            problems.append(config.noFlowsMessage())
        } else {
            summary.append("flows: \(report.loaded.count) in \(config.flows.dir)")
            for (number, name) in config.flows.numbers.sorted(by: { $0.key < $1.key }) {
                guard let path = config.flowFile(forDialled: number), flows.flow(at: path) == nil else { continue }
                problems.append("flows.numbers.\(number): no valid flow `\(name)` in \(config.flows.dir)")
            }
        }
        let manager = FileManager.default
        if manager.fileExists(atPath: config.tools.accountsDB) {
            summary.append("accounts: \(config.tools.accountsDB)")
        } else if manager.fileExists(atPath: config.tools.accountsCSV) {
            summary.append("accounts: \(config.tools.accountsDB) (created from \(config.tools.accountsCSV) on first use)")
        } else {
            summary.append("accounts: none (neither \(config.tools.accountsDB) nor \(config.tools.accountsCSV) exists)")
        }
        summary.append("call log: \(config.callLog.db)")
        // Trunks as `serve` takes them: URIs, host names resolved, the password variables set.
        do {
            for trunk in try config.trunkPlans(environment: environment) {
                summary.append("trunk \(trunk.name): \(trunk.register ? "registers \(trunk.aor) at" : "calls via") \(trunk.nextHop)")
            }
            _ = try config.sipProtection(environment: environment)
        } catch {
            problems.append(error.message)
        }
        if let cassettes = config.model.cassettes, !manager.fileExists(atPath: cassettes) {
            problems.append("model.cassettes: no such folder \(cassettes)")
        }
        return ConfigurationCheck(problems: problems, summary: summary, configuration: config)
    }
}
