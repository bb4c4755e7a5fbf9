// Server: keeps the configured trunks registered (issue 15) — the I/O around `SIPRegistrationMachine`: REGISTERs
// go out through the SIP bridge's UA core (digest, refresh before expiry), what becomes of them comes back from
// the bridge, retries wait on timers here (back-off with jitter), failures are logged with what to check, and
// stopping unregisters every trunk (expires 0) before SIP goes down. /healthz and /metrics read `statuses()`.
public import Bridges
import Foundation
public import Logging
public import SIP

/// The registration state of one trunk, for /healthz and /metrics.
public struct TrunkStatus: Sendable, Equatable {
    public var name: String
    /// `registered`, `registering`, `failed`, `unregistering`, `stopped` or `idle`.
    public var state: String
    public var up: Bool
    public var attempts: Int
    public var successes: Int
    public var failures: Int
    /// The status of the last failure (nil: none, or no answer).
    public var lastFailureStatus: Int?
}

public final class TrunkRegistrar: Sendable {
    private struct Entry {
        var plan: TrunkPlan
        var machine: SIPRegistrationMachine
        var failures = 0
        var lastFailureStatus: Int?
        var retry: Task<Void, Never>?
        var finished = false
    }

    private let entries: LockedBox<[String: Entry]>
    private let bridgeBox = LockedBox<SIPBridge?>(nil)
    private let stopWaiters = LockedBox<[CheckedContinuation<Void, Never>]>([])
    private let logger: Logger
    private let clock = ContinuousClock()
    private let epoch: ContinuousClock.Instant

    public init(plans: [TrunkPlan], policy: SIPRegistrationMachine.Policy = .init(), logger: Logger) {
        var entries: [String: Entry] = [:]
        for plan in plans where plan.register {
            entries[plan.name] = Entry(plan: plan, machine: SIPRegistrationMachine(policy: policy, seed: UInt64.random(in: 0...UInt64.max)))
        }
        self.entries = LockedBox(entries)
        self.logger = logger
        epoch = clock.now
    }

    private var now: Duration { clock.now - epoch }

    /// Whether any trunk registers at all.
    public var isEmpty: Bool { entries.withLock { $0.isEmpty } }

    /// Starts registering every trunk through `bridge`.
    public func start(bridge: SIPBridge) {
        bridgeBox.withLock { $0 = bridge }
        for name in entries.withLock({ Array($0.keys) }).sorted() { handle(.start, trunk: name) }
    }

    /// What the bridge reports for a REGISTER (called on the SIP loop).
    public func deliver(id: String, _ outcome: SIPRegistrationOutcome) {
        switch outcome {
        case .registered(let expires): handle(.registered(expires: expires), trunk: id)
        case .failed(let status): handle(.failed(statusCode: status), trunk: id)
        }
    }

    /// Unregisters every registered trunk and waits (at most `timeout`) for the registrars' answers.
    public func stop(timeout: Duration) async {
        for name in entries.withLock({ Array($0.keys) }).sorted() { handle(.stop, trunk: name) }
        let waiter = Task { [self] in
            await withCheckedContinuation { continuation in
                let done = entries.withLock { $0.values.allSatisfy(\.finished) }
                if done {
                    continuation.resume()
                } else {
                    stopWaiters.withLock { $0.append(continuation) }
                    // Finished meanwhile: resume now (the waiters list is drained once more below).
                    if entries.withLock({ $0.values.allSatisfy(\.finished) }) { resumeStopWaiters() }
                }
            }
        }
        let timer = Task { [self] in
            try? await Task.sleep(for: timeout)
            resumeStopWaiters()
        }
        await waiter.value
        timer.cancel()
        for name in entries.withLock({ Array($0.keys) }) {
            entries.withLock { $0[name]?.retry?.cancel() }
        }
    }

    private func resumeStopWaiters() {
        let waiters = stopWaiters.withLock { list in
            defer { list = [] }
            return list
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Every trunk's state now.
    public func statuses() -> [TrunkStatus] {
        let at = now
        return entries.withLock { entries in
            entries.values.map { entry in
                TrunkStatus(
                    name: entry.plan.name, state: Self.name(of: entry.machine.state), up: entry.machine.isUp(at: at),
                    attempts: entry.machine.attempts, successes: entry.machine.successes, failures: entry.failures,
                    lastFailureStatus: entry.lastFailureStatus)
            }.sorted { $0.name < $1.name }
        }
    }

    static func name(of state: SIPRegistrationMachine.State) -> String {
        switch state {
        case .idle: "idle"
        case .registering: "registering"
        case .registered: "registered"
        case .failed: "failed"
        case .unregistering: "unregistering"
        case .stopped: "stopped"
        }
    }

    private func handle(_ event: SIPRegistrationMachine.Event, trunk name: String) {
        let at = now
        guard
            let result = entries.withLock({ entries -> ([SIPRegistrationMachine.Action], TrunkPlan)? in
                guard var entry = entries[name] else { return nil }
                let before = entry.machine.state
                let actions = entry.machine.handle(event, at: at)
                if case .failed(let status) = event, entry.machine.state != before {
                    entry.failures += 1
                    entry.lastFailureStatus = status
                }
                entries[name] = entry
                return (actions, entry.plan)
            })
        else { return }
        let (actions, plan) = result
        if case .registered(let expires) = event, expires > 0 {
            logger.info("trunk registered", metadata: ["trunk": "\(name)", "aor": "\(plan.aor)", "expires": "\(expires)"])
        }
        for action in actions { perform(action, plan: plan) }
    }

    private func perform(_ action: SIPRegistrationMachine.Action, plan: TrunkPlan) {
        let name = plan.name
        switch action {
        case .register: bridgeBox.withLock { $0 }?.register(plan.registration())
        case .unregister:
            logger.info("trunk unregistering", metadata: ["trunk": "\(name)"])
            bridgeBox.withLock { $0 }?.register(plan.registration(expires: 0))
        case .scheduleRetry(let at):
            let delay = at - now
            let task = Task { [weak self] in
                try? await Task.sleep(for: delay)
                guard !Task.isCancelled else { return }
                self?.handle(.retryDue, trunk: name)
            }
            entries.withLock { $0[name]?.retry = task }
        case .reportFailure(let status, let failures, let retryIn):
            logger.error(
                "trunk registration failed: \(Self.explain(status, plan: plan))",
                metadata: [
                    "trunk": "\(name)", "registrar": "\(plan.registrar)", "status": "\(status.map(String.init) ?? "no answer")",
                    "failures": "\(failures)",
                    "retry_in": "\(String(format: "%.1f", Double(retryIn.components.seconds) + Double(retryIn.components.attoseconds) / 1e18)) s",
                ])
        case .finished:
            entries.withLock { $0[name]?.finished = true }
            if entries.withLock({ $0.values.allSatisfy(\.finished) }) { resumeStopWaiters() }
        }
    }

    /// What a failure status means for the operator.
    static func explain(_ status: Int?, plan: TrunkPlan) -> String {
        let secret = plan.passwordEnv.map { "the password in $\($0)" } ?? "the password (password_env is not set)"
        switch status {
        case nil: return "no answer from \(plan.nextHop) (is the registrar reachable over UDP?)"
        case 401, 407:
            return plan.credentials == nil
                ? "the registrar asks for authentication (\(status ?? 401)) but the trunk has no password_env"
                : "the registrar refused our credentials (\(status ?? 401) after digest): check auth_user and \(secret)"
        case 403: return "forbidden (403): the registrar does not accept this AOR or these credentials"
        case 404: return "unknown AOR (404): check aor"
        case 423: return "interval too brief (423): raise expires"
        default: return "the registrar answered \(status ?? 0)"
        }
    }
}
