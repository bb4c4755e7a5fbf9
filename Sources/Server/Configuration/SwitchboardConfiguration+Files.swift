// Server: the files a configuration points at, opened the same way by every command (`serve`, `chat`, `tools`,
// `demo`, `config check`): which configuration file is used, the accounts database (seeded from the CSV on first
// use) and the model provider named by `model.provider`.
import Foundation
public import ModelClient
public import Tools
import SwitchboardCore

extension SwitchboardConfiguration {
    /// The environment variable naming the configuration file when `--config` is not given.
    public static let fileVariable = "SWITCHBOARD_CONFIG"

    /// The configuration file to read: `--config`, else $SWITCHBOARD_CONFIG, else `switchboard.yaml` in the
    /// working folder when there is one; nil means the embedded defaults (paths relative to the working folder).
    public static func locate(file: String?, environment: [String: String]) -> String? {
        if let file, !file.isEmpty { return file }
        if let named = environment[fileVariable], !named.isEmpty { return named }
        let local = "switchboard.yaml"
        return FileManager.default.fileExists(atPath: local) ? local : nil
    }

    /// `locate` then `load`: the configuration every command starts from.
    public static func load(option file: String?, environment: [String: String]) throws(ConfigurationError) -> Self {
        try load(file: locate(file: file, environment: environment), environment: environment)
    }

    /// The accounts database of the built-in tools: `tools.accounts_db`, created from `tools.accounts_csv` when it
    /// does not exist yet. nil when neither file exists (the tools then answer that no accounts are configured).
    public func openAccounts() throws(ConfigurationError) -> AccountsDatabase? {
        let database = tools.accountsDB
        if !FileManager.default.fileExists(atPath: database) {
            guard FileManager.default.fileExists(atPath: tools.accountsCSV) else { return nil }
            do {
                _ = try AccountsDatabase.seed(csvFile: URL(fileURLWithPath: tools.accountsCSV), into: database)
            } catch {
                throw ConfigurationError("tools.accounts_csv: cannot seed \(database) from \(tools.accountsCSV): \(error)")
            }
        }
        do {
            return try AccountsDatabase(path: database)
        } catch {
            throw ConfigurationError("tools.accounts_db: cannot open \(database): \(error)")
        }
    }

    /// The provider profile named by `model.provider` (with `model.model` applied), or an error naming the choices.
    public func providerProfile() throws(ConfigurationError) -> ProviderProfile {
        guard var profile = ProviderProfile.named(model.provider) else {
            let names = ProviderProfile.builtIn.map(\.name)
            throw ConfigurationError("model.provider: unknown provider `\(model.provider)` (use \(names.joined(separator: ", ")))")
        }
        if let name = model.model { profile.model = name }
        profile.catalogue = modelCatalogue
        profile.maxTokens = model.maxTokens > 0 ? model.maxTokens : nil
        profile.reuseAudioIDs = model.reuseAudioIDs
        profile.transcriptionModel = model.transcriptionModel.isEmpty ? nil : model.transcriptionModel
        return profile
    }

    /// The built-in model catalogue with `model.catalogue` laid over it and `model.aliases` as the alias map.
    public var modelCatalogue: ModelCatalogue {
        var configured: [String: ModelCatalogue.Entry] = [:]
        for (name, entry) in model.catalogue {
            configured[name] = ModelCatalogue.Entry(
                price: ModelPrice(
                    textInPerMillion: entry.textIn, textOutPerMillion: entry.textOut, audioInPerMillion: entry.audioIn,
                    audioOutPerMillion: entry.audioOut, cachedInPerMillion: entry.cachedIn),
                streams: entry.streams)
        }
        var catalogue = ModelCatalogue.builtIn.merging(ModelCatalogue(models: configured))
        catalogue.aliases = model.aliases
        return catalogue
    }

    /// Why `serve` found no flow, and what to give it instead.
    func noFlowsMessage() -> String {
        let folder = URL(fileURLWithPath: flows.dir).standardizedFileURL.path
        return "no valid flow in \(folder): give --config FILE (a configuration whose flows.dir names your flows "
            + "folder; the repository's sample is deploy/switchboard.yaml), set \(Self.fileVariable), "
            + "or run from the folder that holds flows/"
    }
}
