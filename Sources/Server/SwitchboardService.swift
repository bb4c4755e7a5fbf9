// Server: `serve` assembled from configuration — the SIP/RTP bridge routing dialled numbers to flows (and to
// the diagnostic handlers echo/tone/dtmf/transfer), the call log, the model (live API, or recorded cassettes
// served on loopback when no key is set), the tools, and the admin HTTP API.
public import Bridges
import CallEngine
public import CallLog
import CallWiring
import Flows
import Foundation
public import Logging
import ModelClient
import Tools
import AsyncHTTPClient

/// A running Switchboard: start it, read where it listens, stop it.
public final class SwitchboardService: Sendable {
    public let configuration: SwitchboardConfiguration
    public let sip: SIPServer
    public let callLog: CallLogWriter
    public let flows: FlowRegistry
    public let admin: AdminServer?
    /// Where the model requests go (the provider's base URL, or the local cassette server).
    public let modelDescription: String
    private let modelClient: ChatModelClient?
    private let tasks: [Task<Void, any Error>]
    private let webhookHTTP: HTTPClient

    public var sipPort: Int { sip.localAddress.port ?? 0 }

    private init(
        configuration: SwitchboardConfiguration, sip: SIPServer, callLog: CallLogWriter, flows: FlowRegistry,
        admin: AdminServer?, modelDescription: String, modelClient: ChatModelClient?, tasks: [Task<Void, any Error>],
        webhookHTTP: HTTPClient
    ) {
        self.configuration = configuration
        self.sip = sip
        self.callLog = callLog
        self.flows = flows
        self.admin = admin
        self.modelDescription = modelDescription
        self.modelClient = modelClient
        self.tasks = tasks
        self.webhookHTTP = webhookHTTP
    }

    /// Loads flows, opens the call log, starts the model path, binds SIP (and the admin API when configured).
    public static func start(
        configuration: SwitchboardConfiguration, environment: [String: String], logger: Logger
    ) async throws -> SwitchboardService {
        let flows = FlowRegistry(directory: configuration.flows.dir)
        let report = flows.reload()
        for (file, problems) in report.refused.sorted(by: { $0.key < $1.key }) {
            logger.error("flow refused", metadata: ["file": "\(file)", "problems": "\(problems.joined(separator: "; "))"])
        }
        guard !report.loaded.isEmpty else {
            throw ConfigurationError("no valid flow in \(configuration.flows.dir)")
        }
        let callLog = try CallLogWriter(path: configuration.callLog.db, logger: logger)
        // Every record goes through the metrics, so /metrics counts calls, outcomes, model latency, tool errors.
        let metrics = AdminMetrics()
        let records = MeteredCallLogSink(base: callLog, metrics: metrics)
        var tasks: [Task<Void, any Error>] = []

        // The model: the configured provider with its key, or recorded cassettes on loopback.
        let profile = ProviderProfile.builtIn.first { $0.name == configuration.model.provider } ?? .openai
        var provider = ProviderConfiguration.resolve(profile, environment: environment, baseURL: configuration.model.baseURL)
        if let model = configuration.model.model { provider.profile.model = model }
        var modelDescription = "\(provider)"
        if provider.apiKey == nil, let cassettes = configuration.model.cassettes {
            let server = try CassetteServer.load(path: cassettes)
            let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
            tasks.append(Task { try await server.run(port: 0) { port in portContinuation.yield(port) } })
            var port = 0
            for await value in portStream {
                port = value
                break
            }
            provider = ProviderConfiguration(profile: profile, baseURL: "http://127.0.0.1:\(port)/v1", apiKey: "cassette")
            modelDescription = "recorded cassettes (\(cassettes)) on http://127.0.0.1:\(port)/v1, no API key"
        }
        let modelClient = ChatModelClient(provider: provider, options: .telephony, logger: logger)
        let model: any ConversationModel = ChatModelConversation(client: modelClient) { records.write(.modelRequest($0)) }

        // Tools: the accounts database (seeded from the CSV on first start) and webhooks.
        var accounts: AccountsDatabase?
        if !FileManager.default.fileExists(atPath: configuration.tools.accountsDB),
            FileManager.default.fileExists(atPath: configuration.tools.accountsCSV)
        {
            _ = try? AccountsDatabase.seed(
                csvFile: URL(fileURLWithPath: configuration.tools.accountsCSV), into: configuration.tools.accountsDB)
        }
        accounts = try? AccountsDatabase(path: configuration.tools.accountsDB)
        let webhookHTTP = WebhookCaller.makeHTTPClient()
        let webhooks = WebhookCaller(
            client: webhookHTTP,
            policy: EgressPolicy(allowedHosts: configuration.tools.webhookAllow), environment: environment,
            logger: logger)

        let services = CallServices(
            configuration: configuration, flows: flows, model: model, accounts: accounts, webhooks: webhooks,
            synthesizer: CachingSpeechSynthesizer(base: EspeakSynthesizer()), callLog: records, logger: logger)
        let sip = try await SIPServer.start(
            configuration: try sipConfiguration(configuration, services: services, logger: logger), logger: logger)

        var admin: AdminServer?
        if !configuration.admin.listen.isEmpty {
            let server = try AdminServer(
                configuration: try AdminServerConfiguration(
                    listen: configuration.admin.listen, bearerToken: environment[configuration.admin.tokenEnv]),
                store: callLog.store, metrics: metrics,
                reloadFlows: {
                    let report = flows.reload()
                    return FlowReloadResult(
                        ok: report.refused.isEmpty, flows: report.loaded,
                        errors: report.refused.values.flatMap { $0 }.sorted())
                }, logger: logger)
            server.metrics.observe(callLogStatistics: {
                let stats = callLog.statistics
                return (stats.queueDepth, stats.dropped, stats.failed)
            })
            // RTP packets lost/late/… and SIP counters, sampled at each scrape.
            server.metrics.observe(sipServer: sip)
            tasks.append(Task { try await server.run() })
            server.setReady(true)
            admin = server
        }
        return SwitchboardService(
            configuration: configuration, sip: sip, callLog: callLog, flows: flows, admin: admin,
            modelDescription: modelDescription, modelClient: modelClient, tasks: tasks, webhookHTTP: webhookHTTP)
    }

    static func sipConfiguration(
        _ configuration: SwitchboardConfiguration, services: CallServices, logger: Logger
    ) throws -> SIPServer.Configuration {
        guard let (host, port) = splitHostPort(configuration.sip.listen, defaultPort: 5060) else {
            throw ConfigurationError("sip.listen: '\(configuration.sip.listen)' is not host:port")
        }
        let range = configuration.sip.rtpPorts.split(separator: "-").compactMap { UInt16($0) }
        guard range.count == 2, range[0] < range[1] else {
            throw ConfigurationError("sip.rtp_ports: '\(configuration.sip.rtpPorts)' is not low-high")
        }
        let codecs = configuration.sip.codecs.compactMap { MediaCodec(rawValue: $0.lowercased()) }
        let route: @Sendable (SIPBridge.IncomingCallInfo) -> SIPBridge.CallRoute = { call in
            let user = call.dialledUser
            if let diagnostic = DiagnosticHandlers.route(user: user, logger: logger) { return diagnostic }
            guard let flowPath = configuration.flowFile(forDialled: user), services.flows.flow(at: flowPath) != nil else {
                return .reject(404)
            }
            let factory = FlowCallFactory(
                services: services, caller: call.callerUser ?? "anonymous", callee: user, flowPath: flowPath)
            return .answer(ringFor: nil, handler: { FlowCallHandler(factory: factory, logger: logger) })
        }
        return SIPServer.Configuration(
            host: host, port: port,
            media: MediaEngine.Configuration(bindHost: host, portRange: range[0]...range[1]),
            bridge: SIPBridge.Configuration(codecs: codecs.isEmpty ? [.pcmu, .pcma, .opus] : codecs, routeCall: route))
    }

    /// Ends live calls with BYE, flushes the call log, stops every listener.
    public func stop() async {
        await sip.stop()
        // Calls recorded with `--record` write their fixture once ended: give them a moment.
        await CallRecorder.waitForPendingFixtures(timeout: .seconds(3))
        for task in tasks { task.cancel() }
        try? await modelClient?.shutdown()
        try? await webhookHTTP.shutdown()
        await callLog.close()
    }
}
