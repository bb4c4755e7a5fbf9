// Server: `serve` assembled from configuration — the SIP/RTP bridge routing dialled numbers to flows (and to
// the diagnostic handlers echo/tone/dtmf/transfer), the call log, the model (live API, or recorded cassettes
// served on loopback when no key is set), the tools, and the admin HTTP API. Its parts are services of one
// ServiceGroup (`serviceGroup`, what `serve` runs): SIGTERM/SIGINT stop them in reverse order — SIP and media
// first (BYE to every call, then every call's task awaited), then the admin API, the model path, and last the
// call-log writer. `stop()` runs the same steps in the same order (tests, `demo`).
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
public import ServiceLifecycle

/// A running Switchboard: start it, read where it listens, stop it.
public final class SwitchboardService: Sendable {
    public let configuration: SwitchboardConfiguration
    public let sip: SIPServer
    public let callLog: CallLogWriter
    public let flows: FlowRegistry
    public let admin: AdminServer?
    /// Where the model requests go (the provider's base URL, or the local cassette server).
    public let modelDescription: String
    /// The tasks of live calls (one task group): stopping waits for each call's end rows, recordings, fixtures.
    public let calls: CallTasks
    /// The parts in start order; they stop in reverse.
    let parts: [ServicePart]

    public var sipPort: Int { sip.localAddress.port ?? 0 }

    private init(
        configuration: SwitchboardConfiguration, sip: SIPServer, callLog: CallLogWriter, flows: FlowRegistry,
        admin: AdminServer?, modelDescription: String, calls: CallTasks, parts: [ServicePart]
    ) {
        self.configuration = configuration
        self.sip = sip
        self.callLog = callLog
        self.flows = flows
        self.admin = admin
        self.modelDescription = modelDescription
        self.calls = calls
        self.parts = parts
    }

    /// The parts as services of one group that stops them, in reverse order, on SIGTERM or SIGINT.
    public func serviceGroup(logger: Logger) -> ServiceGroup {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: parts.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }

    /// Stops every part, in reverse start order: the same steps as a graceful shutdown of `serviceGroup`.
    public func stop() async {
        for part in parts.reversed() { await part.stop() }
    }

    /// Loads flows, opens the call log, starts the model path, binds SIP (and the admin API when configured).
    public static func start(
        configuration: SwitchboardConfiguration, environment: [String: String], logger: Logger
    ) async throws -> SwitchboardService {
        let profile = try configuration.providerProfile()
        let flows = FlowRegistry(directory: configuration.flows.dir, voices: profile.voices, provider: profile.name)
        let report = flows.reload()
        for (file, problems) in report.refused.sorted(by: { $0.key < $1.key }) {
            logger.error("flow refused", metadata: ["file": "\(file)", "problems": "\(problems.joined(separator: "; "))"])
        }
        guard !report.loaded.isEmpty else { throw ConfigurationError(configuration.noFlowsMessage()) }
        let callLog = try CallLogWriter(
            path: configuration.callLog.db, configuration: CallLogWriter.Configuration(prices: profile.prices), logger: logger)
        // What is started is stopped again when a later step fails (in reverse order), so a refused setup leaves
        // no socket, task or open file behind.
        var parts = [ServicePart(name: "call log") { await callLog.close() }]
        do {
            return try await start(
                configuration: configuration, environment: environment, logger: logger, flows: flows, callLog: callLog,
                parts: &parts)
        } catch {
            for part in parts.reversed() { await part.stop() }
            throw error
        }
    }

    private static func start(
        configuration: SwitchboardConfiguration, environment: [String: String], logger: Logger, flows: FlowRegistry,
        callLog: CallLogWriter, parts: inout [ServicePart]
    ) async throws -> SwitchboardService {
        // Every record goes through the metrics, so /metrics counts calls, outcomes, model latency, tool errors.
        let metrics = AdminMetrics()
        let records = MeteredCallLogSink(base: callLog, metrics: metrics)

        // The model: the configured provider with its key, or recorded cassettes on loopback.
        let profile = try configuration.providerProfile()
        var provider = ProviderConfiguration.resolve(profile, environment: environment, baseURL: configuration.model.baseURL)
        var modelDescription = "\(provider)"
        let synthesizer = speechSynthesizer(configuration, provider: provider, logger: logger, parts: &parts)
        let hasKey = provider.apiKey != nil
        if provider.apiKey == nil, let cassettes = configuration.model.cassettes {
            let server = try CassetteServer.load(path: cassettes)
            let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: server.service(port: 0) { port in portContinuation.yield(port) })],
                    logger: logger))
            let task = Task {
                defer { portContinuation.finish() }
                try await group.run()
            }
            parts.append(
                ServicePart(name: "cassette server") {
                    await group.triggerGracefulShutdown()
                    do { try await task.value } catch { logger.debug("cassette server ended", metadata: ["error": "\(error)"]) }
                })
            var port: Int?
            for await value in portStream {
                port = value
                break
            }
            guard let port else {
                let reason = await ServicePart.failure(of: task)
                throw ConfigurationError("model.cassettes: the cassette server did not start\(reason)")
            }
            provider = ProviderConfiguration(profile: profile, baseURL: "http://127.0.0.1:\(port)/v1", apiKey: "cassette")
            modelDescription = "recorded cassettes (\(cassettes)) on http://127.0.0.1:\(port)/v1, no API key"
        }
        let modelClient = ChatModelClient(provider: provider, options: .telephony, logger: logger)
        parts.append(ServicePart(name: "model client") { await ServicePart.run("model client", logger) { try await modelClient.shutdown() } })
        let model: any ConversationModel = ChatModelConversation(client: modelClient) { records.write(.modelRequest($0)) }
        // Caller transcripts: only with a real key (not against recorded cassettes), off the call's critical path.
        let transcriber: (any CallerTranscriber)? =
            hasKey ? profile.transcriptionModel.map { ChatModelTranscriber(client: modelClient, model: $0) } : nil

        // Tools: the accounts database (seeded from the CSV on first start) and webhooks.
        let accounts = try configuration.openAccounts()
        if accounts == nil {
            logger.warning(
                "no accounts database: lookup_account and verify_caller will answer with an error",
                metadata: ["accounts_db": "\(configuration.tools.accountsDB)", "accounts_csv": "\(configuration.tools.accountsCSV)"])
        }
        let webhookHTTP = WebhookCaller.makeHTTPClient()
        parts.append(ServicePart(name: "webhook client") { await ServicePart.run("webhook client", logger) { try await webhookHTTP.shutdown() } })
        let webhooks = WebhookCaller(
            client: webhookHTTP,
            policy: EgressPolicy(
                allowedHosts: configuration.tools.webhookAllow,
                allowPrivateAddresses: configuration.tools.webhookAllowPrivate), environment: environment,
            logger: logger)

        // The tasks of live calls: stopping awaits each call's end rows, recordings and fixtures.
        let calls = CallTasks()
        var services = CallServices(
            configuration: configuration, flows: flows, model: model, accounts: accounts, webhooks: webhooks,
            synthesizer: synthesizer, callLog: records, logger: logger,
            calls: calls)
        services.transcriber = transcriber

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
            let task = Task { try await server.run() }
            parts.append(ServicePart(name: "admin API") { await ServicePart.end(task, logger: logger) })
            guard await server.listeningPort() != nil else {
                let reason = await ServicePart.failure(of: task)
                throw ConfigurationError("admin.listen: cannot listen on \(configuration.admin.listen)\(reason)")
            }
            admin = server
        }

        // Trunks (checked, hosts resolved, passwords from the environment) and their registrations.
        let trunks = try configuration.trunkPlans(environment: environment)
        let registrar = TrunkRegistrar(plans: trunks, logger: logger)

        // SIP and media last: from here on calls arrive. Stopping unregisters the trunks, ends calls (BYE) and
        // awaits their tasks.
        let sip = try await SIPServer.start(
            configuration: try sipConfiguration(
                configuration, services: services, logger: logger, trunks: trunks, registrar: registrar, environment: environment),
            logger: logger)
        registrar.start(bridge: sip.bridge)
        parts.append(
            ServicePart(name: "SIP and media") {
                if !registrar.isEmpty {
                    logger.info("shutting down: unregistering trunks")
                    await registrar.stop(timeout: .seconds(3))
                }
                logger.info("shutting down: ending live calls")
                await sip.stop()
                // Every call's task ends after its end row, recording and (with `--record`) fixture are written.
                if !(await calls.finish(timeout: .seconds(5))) {
                    logger.warning("calls still running 5 s after BYE were cancelled")
                }
            })
        if let admin {
            // RTP packets lost/late/… and SIP counters, sampled at each scrape.
            admin.metrics.observe(sipServer: sip)
            // Trunk registrations: /healthz says `degraded` while one is down; /metrics has their state.
            admin.metrics.observe(trunks: { registrar.statuses() })
            admin.setHealth { TrunkStatus.health(registrar.statuses()) }
            // POST /calls (and `switchboard call`): calls placed through the trunks.
            let caller = OutboundCaller(services: services, trunks: trunks, bridge: sip.bridge, logger: logger)
            admin.setCallPlacer { try await caller.place($0) }
            admin.setReady(true)
        }
        return SwitchboardService(
            configuration: configuration, sip: sip, callLog: callLog, flows: flows, admin: admin,
            modelDescription: modelDescription, calls: calls, parts: parts)
    }

    static func sipConfiguration(
        _ configuration: SwitchboardConfiguration, services: CallServices, logger: Logger, trunks: [TrunkPlan],
        registrar: TrunkRegistrar, environment: [String: String]
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
            // Calls to a trunk's AOR (routed to our registered Contact) go to that trunk's flow.
            let trunkFlow = trunks.first { $0.aor.user == user && $0.flowPath != nil }?.flowPath
            guard let flowPath = trunkFlow ?? configuration.flowFile(forDialled: user), services.flows.flow(at: flowPath) != nil else {
                return .reject(404)
            }
            let factory = FlowCallFactory(
                services: services, caller: call.callerUser ?? "anonymous", callee: user, flowPath: flowPath
            ).withCaller(name: call.callerDisplayName, headers: call.headers)
            return .answer(ringFor: nil, handler: { FlowCallHandler(factory: factory, logger: logger) })
        }
        var bridge = SIPBridge.Configuration(codecs: codecs.isEmpty ? [.pcmu, .pcma, .opus] : codecs, routeCall: route)
        // sip.public_address (host or host:port) goes into Via, Contact and SDP; on a wildcard bind without it,
        // each request is answered with the address it arrived on (never 0.0.0.0).
        if let text = configuration.sip.publicAddress, !text.isEmpty {
            guard let (publicHost, publicPort) = splitHostPort(text, defaultPort: 0) else {
                throw ConfigurationError("sip.public_address: '\(text)' is not host or host:port")
            }
            bridge.advertised = SIPAdvertisedAddress(publicHost: publicHost, publicPort: publicPort == 0 ? nil : publicPort)
        }
        // Allow-list, refusal, INVITE rate limit and call cap: applied before the UA core (no call, flow, model).
        bridge.protection = try configuration.sipProtection(trunkAddresses: trunks.flatMap(\.allow), environment: environment)
        bridge.registrationEvents = { id, outcome in registrar.deliver(id: id, outcome) }
        bridge.maxOutboundCalls = configuration.sip.maxOutboundCalls > 0 ? configuration.sip.maxOutboundCalls : nil
        // Attended transfers to a URI on a trunk's registrar call through that trunk (as `switchboard call`).
        bridge.transferTrunk = { uri in TrunkPlan.transferTrunk(for: uri, among: trunks) }
        var server = SIPServer.Configuration(
            host: host, port: port,
            media: MediaEngine.Configuration(bindHost: host, portRange: range[0]...range[1]),
            bridge: bridge)
        server.tcp = configuration.sip.tcp
        return server
    }
}
