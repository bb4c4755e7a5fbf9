// Server: the one configuration file (YAML) plus SWITCHBOARD_* environment overrides. Every field has an
// embedded default that runs on this machine alone: SIP on 127.0.0.1, flows from `flows/`, the call log in
// `switchboard.db`, and — with no API key — the model answered from recorded cassettes. The keys of the file are
// listed once, in `SwitchboardConfiguration+Keys.swift`; docs/configuration.md describes each with its default.
public import Flows
import Foundation

/// Switchboard's settings. Secrets are never stored here, only the names of the variables that hold them.
public struct SwitchboardConfiguration: Sendable, Equatable {
    public struct SIP: Sendable, Equatable {
        /// host:port to bind (UDP).
        public var listen: String = "127.0.0.1:5080"
        /// The address put in Contact and SDP when it differs from `listen` (behind NAT).
        public var publicAddress: String?
        /// Even/odd RTP port range, "low-high".
        public var rtpPorts: String = "20000-20999"
        /// Codec preference, best first.
        public var codecs: [String] = ["pcmu", "pcma", "opus"]
        /// Seconds without RTP from the caller (not on hold) before the call is hung up with BYE, end reason
        /// `rtp_timeout`; 0 = never.
        public var rtpTimeout: Int = 30
        /// Also listen on TCP at the same port (RFC 3261 §18: large INVITEs from PBXs arrive over TCP).
        public var tcp = true
        /// Sources (addresses or CIDR blocks) allowed to reach the SIP port besides the trunks' addresses; unset:
        /// loopback (127.0.0.0/8, ::1). "0.0.0.0/0" and "::/0" let everyone in.
        public var allow: [String]?
        /// How sources outside the allow-list are answered: `forbidden` (403) or `silence` (no answer).
        public var refusal: String = "forbidden"
        /// Sustained INVITEs per second accepted from one source address (0: no limit), with `invite_burst` above it.
        public var invitesPerSecond: Double = 0
        public var inviteBurst: Int = 20
        /// Concurrent inbound calls; past it new INVITEs get 503 (0: no cap).
        public var maxConcurrentCalls: Int = 0
        /// Digest users for inbound INVITEs: user name → the environment variable holding the password. Empty: no
        /// challenge. Trunks' addresses are never challenged.
        public var authUsers: [String: String] = [:]
        public var authRealm: String = "switchboard"
        /// Concurrent calls Switchboard places (`switchboard call`, `POST /calls`); 0: no cap.
        public var maxOutboundCalls: Int = 10
    }

    public struct FlowSettings: Sendable, Equatable {
        public var dir: String = "flows"
        /// Dialled user part (or number) → flow file name in `dir`; "*" matches any other number.
        public var numbers: [String: String] = ["*": "support.yaml", "support": "support.yaml",
            "appointments": "appointments.yaml", "after-hours": "after-hours.yaml"]
    }

    public struct Model: Sendable, Equatable {
        /// Provider profile: openai, aimlapi or cometapi.
        public var provider: String = "openai"
        public var baseURL: String?
        /// Overrides the profile's model (preview models are retired on the provider's schedule).
        public var model: String?
        /// With no API key, requests are answered from these recorded cassettes (a fixture's `cassette/`).
        public var cassettes: String?
        /// The reply limit sent with every request (`max_completion_tokens`, or the profile's field); 0: not sent.
        public var maxTokens: Int = 4096
        /// false: earlier replies go as their transcripts, never by audio id (for gateways routing upstream).
        public var reuseAudioIDs = true
        /// Model that transcribes caller turns (`/audio/transcriptions`); empty: no caller transcripts. Only
        /// used with an API key.
        public var transcriptionModel: String = "gpt-4o-mini-transcribe"
        /// Retired model → replacement, applied to every model name (flows, `model.model`); replaces the built-in
        /// map as a whole.
        public var aliases: [String: String] = [
            "gpt-4o-audio-preview": "gpt-audio-1.5", "gpt-4o-mini-audio-preview": "gpt-audio-1.5",
        ]
        /// Models by name: prices and streaming, laid over the built-in catalogue (per model).
        public var catalogue: [String: ModelEntry] = [:]
    }

    /// One model of `model.catalogue`: USD per 1M tokens, and whether it accepts `stream: true`.
    public struct ModelEntry: Sendable, Equatable {
        public var textIn: Double = 0
        public var textOut: Double = 0
        public var audioIn: Double = 0
        public var audioOut: Double = 0
        /// Cached prompt tokens; nil: the text-in price.
        public var cachedIn: Double?
        public var streams = true

        public init() {}
    }

    public struct CallLogSettings: Sendable, Equatable {
        public var db: String = "switchboard.db"
        /// Where caller-audio recordings go (`<dir>/<call id>.wav`) for flows with `recording: caller_audio` or `two_sided`.
        public var recordingsDir: String = "recordings"
    }

    public struct Admin: Sendable, Equatable {
        /// host:port of the admin HTTP API; empty disables it.
        public var listen: String = "127.0.0.1:8089"
        /// The environment variable holding the bearer token (required when not bound to loopback).
        public var tokenEnv: String = "SWITCHBOARD_ADMIN_TOKEN"
    }

    public struct ToolSettings: Sendable, Equatable {
        /// SQLite file with the `accounts` table; seeded from `accounts_csv` when missing.
        public var accountsDB: String = "accounts.db"
        public var accountsCSV: String = "fixtures/accounts.csv"
        /// Hosts webhook tools may call.
        public var webhookAllow: [String] = []
        /// Let webhooks reach private and loopback addresses (a receiver on this host or the LAN); off by default.
        public var webhookAllowPrivate = false
        /// Tool calls run per model turn and per phone call; past them the model gets error results (stops loops).
        public var maxCallsPerTurn: Int = 5
        public var maxCallsPerCall: Int = 30
    }

    public var sip = SIP()
    public var flows = FlowSettings()
    public var model = Model()
    public var callLog = CallLogSettings()
    public var admin = Admin()
    public var tools = ToolSettings()
    /// SIP trunks Switchboard registers with and places calls through (`SwitchboardConfiguration+Trunks.swift`).
    public var trunks: [Trunk] = []
    /// The speech endpoint for `defaults.tts: model` prompts (SwitchboardConfiguration+TTS.swift).
    public var tts = TTS()
    /// Named transfer targets used by flows and `transfer_call` (route name → SIP URI).
    public var routes: [String: String] = [
        "billing": "sip:billing@127.0.0.1:5090", "support": "sip:support@127.0.0.1:5090",
        "human": "sip:human@127.0.0.1:5090",
    ]
    /// When set, every call is written as a fixture folder here (docs/fixtures.md).
    public var recordDir: String?
    /// Only calls to these dialled numbers (or flow files, e.g. "support.yaml") are recorded; absent or empty:
    /// every call. Given without `record_dir`, fixtures go to `recordings/`.
    public var recordNumbers: [String]?

    public init() {}

    /// Reads a YAML file (when given; relative paths in it are taken from its folder), then applies the
    /// environment's SWITCHBOARD_* overrides. Every problem of the file is in the error, each with its position.
    public static func load(file: String?, environment: [String: String]) throws(ConfigurationError) -> Self {
        var config = SwitchboardConfiguration()
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError("\(file): cannot read the configuration file")
            }
            let (decoded, diagnostics) = decode(data: data, file: file)
            guard let decoded, diagnostics.isEmpty else { throw ConfigurationError(diagnostics: diagnostics) }
            config = decoded
        }
        config.apply(environment: environment)
        return config
    }

    /// SWITCHBOARD_SIP_LISTEN, SWITCHBOARD_RTP_PORTS, SWITCHBOARD_FLOWS_DIR, SWITCHBOARD_DB,
    /// SWITCHBOARD_ADMIN_LISTEN, SWITCHBOARD_PROVIDER, SWITCHBOARD_MODEL, SWITCHBOARD_BASE_URL,
    /// SWITCHBOARD_CASSETTES, SWITCHBOARD_RECORD_DIR.
    public mutating func apply(environment env: [String: String]) {
        func value(_ name: String) -> String? {
            env["SWITCHBOARD_" + name].flatMap { $0.isEmpty ? nil : $0 }
        }
        if let v = value("SIP_LISTEN") { sip.listen = v }
        if let v = value("RTP_PORTS") { sip.rtpPorts = v }
        if let v = value("FLOWS_DIR") { flows.dir = v }
        if let v = value("DB") { callLog.db = v }
        if let v = value("ADMIN_LISTEN") { admin.listen = v }
        if let v = value("PROVIDER") { model.provider = v }
        if let v = value("MODEL") { model.model = v }
        if let v = value("BASE_URL") { model.baseURL = v }
        if let v = value("CASSETTES") { model.cassettes = v }
        if let v = value("RECORD_DIR") { recordDir = v }
    }

    /// Where calls to `user` (running `flowFile`) are recorded as fixtures, or nil when they are not.
    public func recordDirectory(forDialled user: String, flowFile: String) -> String? {
        let numbers = recordNumbers ?? []
        guard recordDir != nil || !numbers.isEmpty else { return nil }
        if !numbers.isEmpty, !numbers.contains(user), !numbers.contains((flowFile as NSString).lastPathComponent) {
            return nil
        }
        return recordDir ?? "recordings"
    }

    /// The flow file for a dialled user part, or nil when no flow answers it.
    public func flowFile(forDialled user: String) -> String? {
        guard let name = flows.numbers[user] ?? flows.numbers["*"] else { return nil }
        return name.hasPrefix("/") ? name : (flows.dir as NSString).appendingPathComponent(name)
    }
}

/// A configuration file that cannot be used, with the reason.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// The positioned problems of a configuration file (empty for other errors).
    public var diagnostics: [FlowDiagnostic]

    public init(_ message: String) {
        self.message = message
        self.diagnostics = []
    }

    public init(diagnostics: [FlowDiagnostic]) {
        self.message = diagnostics.map(\.description).joined(separator: "\n")
        self.diagnostics = diagnostics
    }

    public var description: String { message }
}

/// "host:port" split, IPv6 in brackets allowed ("[::1]:5080").
public func splitHostPort(_ text: String, defaultPort: Int) -> (host: String, port: Int)? {
    if text.hasPrefix("[") {
        guard let close = text.firstIndex(of: "]") else { return nil }
        let host = String(text[text.index(after: text.startIndex)..<close])
        let rest = text[text.index(after: close)...]
        if rest.isEmpty { return (host, defaultPort) }
        guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
        return (host, port)
    }
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    switch parts.count {
    case 1: return (String(parts[0]), defaultPort)
    case 2:
        guard let port = Int(parts[1]), (0...65535).contains(port) else { return nil }
        return (String(parts[0]), port)
    default: return nil
    }
}
