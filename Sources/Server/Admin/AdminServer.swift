// The admin HTTP API (Hummingbird 2): health, readiness, Prometheus metrics, the call log, flow reload.
// A `Service` (swift-service-lifecycle): run it in the server's ServiceGroup, or call `run()` in a task and
// cancel it. The server injects the call-log store, the metrics, and the flow-reload closure.
public import CallLog
import Foundation
import Hummingbird
public import Logging
public import ServiceLifecycle

/// What `POST /flows/reload` returns (200 when `ok`, 422 otherwise).
public struct FlowReloadResult: Codable, Sendable, Hashable {
    public var ok: Bool
    public var flows: [String]
    public var errors: [String]

    public init(ok: Bool, flows: [String] = [], errors: [String] = []) {
        self.ok = ok
        self.flows = flows
        self.errors = errors
    }
}

public final class AdminServer: Service, Sendable {
    public typealias FlowReloader = @Sendable () async -> FlowReloadResult

    public let configuration: AdminServerConfiguration
    public let metrics: AdminMetrics
    let store: CallLogStore?
    let reloadFlows: FlowReloader?
    let logger: Logger
    private let ready = LockedBox(false)
    private let health = LockedBox<(@Sendable () -> String?)?>(nil)
    let callPlacer = LockedBox<(@Sendable (OutboundCallRequest) async throws -> OutboundCallResponse)?>(nil)
    private let port = LockedBox(PortState())

    private struct PortState {
        var port: Int?
        var finished = false
        var waiters: [CheckedContinuation<Int?, Never>] = []
    }

    /// Throws `AdminServerError.tokenRequired` when bound beyond loopback without a bearer token.
    public init(
        configuration: AdminServerConfiguration = AdminServerConfiguration(), store: CallLogStore?,
        metrics: AdminMetrics = AdminMetrics(), reloadFlows: FlowReloader? = nil,
        logger: Logger = Logger(label: "switchboard.admin")
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.store = store
        self.metrics = metrics
        self.reloadFlows = reloadFlows
        self.logger = logger
    }

    /// `GET /readyz` answers 200 once the server says it is ready (flows loaded, SIP bound), 503 before.
    public func setReady(_ value: Bool) {
        ready.withLock { $0 = value }
    }

    public var isReady: Bool { ready.withLock { $0 } }

    /// `GET /healthz` answers `ok` while `check` returns nil, else `degraded` and what it returned (still 200:
    /// the process is alive, restarting it would not bring a trunk back). Trunk registrations use it.
    public func setHealth(_ check: @escaping @Sendable () -> String?) {
        health.withLock { $0 = check }
    }

    /// `POST /calls` places calls with this (set once SIP runs; 503 before).
    public func setCallPlacer(_ placer: @escaping @Sendable (OutboundCallRequest) async throws -> OutboundCallResponse) {
        callPlacer.withLock { $0 = placer }
    }

    /// nil when healthy, else what is degraded.
    public var degradation: String? { health.withLock { $0 }?() }

    /// The bound port once listening (useful with port 0); nil if the server stopped before binding.
    public func listeningPort() async -> Int? {
        await withCheckedContinuation { continuation in
            let now: Int?? = port.withLock { state in
                if state.port != nil || state.finished { return .some(state.port) }
                state.waiters.append(continuation)
                return .none
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    public func run() async throws {
        let app = Application(
            router: makeRouter(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { [weak self] channel in
                self?.bound(channel.localAddress?.port)
            },
            logger: logger
        )
        logger.info("admin API starting", metadata: ["host": "\(configuration.host)", "port": "\(configuration.port)"])
        defer { bound(nil, finished: true) }
        try await app.run()
    }

    private func bound(_ value: Int?, finished: Bool = false) {
        let waiters = port.withLock { state -> [CheckedContinuation<Int?, Never>] in
            if let value { state.port = value }
            if finished { state.finished = true }
            guard state.port != nil || state.finished else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        let result = port.withLock { $0.port }
        for waiter in waiters { waiter.resume(returning: result) }
    }
}
