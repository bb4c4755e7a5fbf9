// Server: every key of the configuration file, in one place. To add a setting: give its struct a property with
// its default, add one line to the section's table below, and describe it in docs/configuration.md and
// deploy/switchboard.yaml (ConfigurationTests fails until both mention it). Decoding is strict: unknown keys,
// wrong types and unknown values are errors with their `file:line:column`, all reported at once.
public import Flows
public import Foundation
import ModelClient

extension SwitchboardConfiguration {
    /// The top-level keys.
    public static var keys: [ConfigurationKey<Self>] {
        [
            .section("sip", \.sip, keys: SIP.keys),
            .section("flows", \.flows, keys: FlowSettings.keys),
            .section("model", \.model, keys: Model.keys),
            .section("call_log", \.callLog, keys: CallLogSettings.keys),
            .section("admin", \.admin, keys: Admin.keys),
            .section("tools", \.tools, keys: ToolSettings.keys),
            .section("tts", \.tts, keys: TTS.keys),
            .textMap("routes", \.routes),
            .path("record_dir", \.recordDir),
            .texts("record_numbers", \.recordNumbers),
            .list("trunks", \.trunks, element: { Trunk() }, keys: Trunk.keys),
        ]
    }

    /// Every dotted key name the file may hold ("sip.listen", …), for the docs and sample checks.
    public static var keyNames: [String] { keys.flatMap(\.allNames) }
}

extension SwitchboardConfiguration.SIP {
    static var keys: [ConfigurationKey<Self>] {
        [
            .text("listen", \.listen, check: checkHostPort),
            .text("public_address", \.publicAddress),
            .text("rtp_ports", \.rtpPorts, check: checkPortRange),
            .texts("codecs", \.codecs, among: ["pcmu", "pcma", "opus"]),
            .int("rtp_timeout", \.rtpTimeout, range: 0...86_400),
            .bool("tcp", \.tcp),
            .texts("allow", \.allow),
            .choice("refusal", \.refusal, among: ["forbidden", "silence"]),
            .number("invites_per_second", \.invitesPerSecond, range: 0...100_000),
            .int("invite_burst", \.inviteBurst, range: 1...100_000),
            .int("max_concurrent_calls", \.maxConcurrentCalls, range: 0...100_000),
            .int("max_outbound_calls", \.maxOutboundCalls, range: 0...100_000),
            .textMap("auth_users", \.authUsers),
            .text("auth_realm", \.authRealm) { $0.isEmpty ? "the realm must not be empty" : nil },
        ]
    }
}

extension SwitchboardConfiguration.FlowSettings {
    static var keys: [ConfigurationKey<Self>] {
        [
            .path("dir", \.dir),
            .textMap("numbers", \.numbers),
        ]
    }
}

extension SwitchboardConfiguration.Model {
    static var keys: [ConfigurationKey<Self>] {
        [
            .choice("provider", \.provider, among: ProviderProfile.builtIn.map(\.name)),
            .text("base_url", \.baseURL),
            .text("model", \.model),
            .path("cassettes", \.cassettes),
            .int("max_tokens", \.maxTokens, range: 0...128_000),
            .bool("reuse_audio_ids", \.reuseAudioIDs),
            .text("transcription_model", \.transcriptionModel),
            .textMap("aliases", \.aliases),
            .namedSections("catalogue", \.catalogue, element: { SwitchboardConfiguration.ModelEntry() }, keys: SwitchboardConfiguration.ModelEntry.keys),
        ]
    }
}

extension SwitchboardConfiguration.ModelEntry {
    static var keys: [ConfigurationKey<Self>] {
        [
            .number("text_in", \.textIn, range: 0...1_000_000),
            .number("text_out", \.textOut, range: 0...1_000_000),
            .number("audio_in", \.audioIn, range: 0...1_000_000),
            .number("audio_out", \.audioOut, range: 0...1_000_000),
            .number("cached_in", \.cachedIn, range: 0...1_000_000),
            .bool("streams", \.streams),
        ]
    }
}

extension SwitchboardConfiguration.CallLogSettings {
    static var keys: [ConfigurationKey<Self>] {
        [
            .path("db", \.db),
            .path("recordings_dir", \.recordingsDir),
        ]
    }
}

extension SwitchboardConfiguration.Admin {
    static var keys: [ConfigurationKey<Self>] {
        [
            .text("listen", \.listen) { $0.isEmpty ? nil : checkHostPort($0) },
            .text("token_env", \.tokenEnv),
        ]
    }
}

extension SwitchboardConfiguration.ToolSettings {
    static var keys: [ConfigurationKey<Self>] {
        [
            .path("accounts_db", \.accountsDB),
            .path("accounts_csv", \.accountsCSV),
            .texts("webhook_allow", \.webhookAllow),
            .bool("webhook_allow_private", \.webhookAllowPrivate),
            .int("max_calls_per_turn", \.maxCallsPerTurn, range: 1...100),
            .int("max_calls_per_call", \.maxCallsPerCall, range: 1...1000),
        ]
    }
}

/// nil when `text` is host:port (IPv6 in brackets), else the problem.
func checkHostPort(_ text: String) -> String? {
    splitHostPort(text, defaultPort: 5060) == nil || !text.contains(":")
        ? "`\(text)` is not host:port (e.g. 127.0.0.1:5080)" : nil
}

/// nil when `text` is an even/odd port range "low-high", else the problem.
func checkPortRange(_ text: String) -> String? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, let low = UInt16(parts[0]), let high = UInt16(parts[1]), low < high else {
        return "`\(text)` is not a port range low-high (e.g. 20000-20999)"
    }
    return nil
}

extension SwitchboardConfiguration {
    /// Upper bounds applied to configuration files before parsing.
    static let limits = YAMLSource.Limits(
        maxBytes: 1 << 20, maxDepth: 16, kind: "configuration files",
        emptyMessage: "file is empty: write at least one section (see deploy/switchboard.yaml)")

    /// Decodes a configuration file strictly: the settings (paths resolved against the file's folder) when there
    /// is no problem, and every problem found, sorted by position.
    public static func decode(data: Data, file: String) -> (SwitchboardConfiguration?, [FlowDiagnostic]) {
        let document: YAMLSource.Document
        switch YAMLSource.compose(data: data, file: file, limits: limits) {
        case .success(let composed): document = composed
        case .failure(let diagnostic): return (nil, [diagnostic])
        }
        var reader = ConfigurationReader(file: file)
        var config = SwitchboardConfiguration()
        reader.read(document.root, into: &config, keys: keys, what: ConfigurationReader.topLevel)
        let diagnostics = reader.diagnostics.sorted {
            ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column)
        }
        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
        for key in keys { key.resolve(&config, folder) }
        return (config, [])
    }
}
