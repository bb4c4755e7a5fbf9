import Synchronization

/// A clock that only moves when told to, like NIO's `EmbeddedEventLoop`: `advance(to:)` fires due sleepers in
/// deadline order, then insertion order, and before each step waits until every task started with `task(_:)`
/// is either finished or sleeping on this clock. A 60 s call thus replays in milliseconds, deterministically.
/// Sleepers due at the same time wake in the order their tasks were created with `task(_:)` — not the order
/// they happened to reach `sleep`, which races when one step starts two tasks (e.g. a timer and a model request).
///
/// Rule for tracked tasks: a body must not spawn concurrent child tasks that sleep on this clock.
public final class VirtualClock: CallClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: Duration
        /// Tie-break among equal deadlines: the creating task's number (untracked sleepers after all tracked).
        var order: UInt64
        var tracked: Bool
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration = .zero
        var nextID: UInt64 = 0
        var nextTaskOrder: UInt64 = 0
        var sleepers: [Sleeper] = []
        /// Tracked tasks that are running (not finished, not sleeping on the clock).
        var active = 0
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Marks a task as tracked by one particular clock.
    private final class WorkMark: Sendable {
        let clock: ObjectIdentifier
        let order: UInt64
        init(clock: ObjectIdentifier, order: UInt64) {
            self.clock = clock
            self.order = order
        }
    }

    @TaskLocal private static var mark: WorkMark?

    private let state = Mutex(State())

    public init() {}

    public var now: Duration { state.withLock { $0.now } }

    /// Number of tasks sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The current task's creation number when it is tracked by this clock.
    private var trackedOrder: UInt64? {
        guard let mark = VirtualClock.mark, mark.clock == ObjectIdentifier(self) else { return nil }
        return mark.order
    }

    @discardableResult
    public func task(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        let order = state.withLock { state -> UInt64 in
            state.active += 1
            state.nextTaskOrder += 1
            return state.nextTaskOrder
        }
        let mark = WorkMark(clock: ObjectIdentifier(self), order: order)
        return Task {
            await VirtualClock.$mark.withValue(mark) { await body() }
            self.finishWork()
        }
    }

    private func finishWork() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.active -= 1
            return Self.takeIdleWaiters(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    private static func takeIdleWaiters(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard state.active <= 0, !state.idleWaiters.isEmpty else { return [] }
        let waiters = state.idleWaiters
        state.idleWaiters.removeAll()
        return waiters
    }

    public func sleep(until deadline: Duration) async throws {
        try Task.checkCancellation()
        let order = trackedOrder
        let tracked = order != nil
        let id = state.withLock { state -> UInt64? in
            guard deadline > state.now else { return nil }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.sleepers.append(
                        Sleeper(
                            id: id, deadline: deadline, order: order ?? (UInt64.max / 2 + id), tracked: tracked,
                            continuation: continuation))
                    if tracked { state.active -= 1 }
                    return Self.takeIdleWaiters(&state)
                }
                for waiter in waiters { waiter.resume() }
                if Task.isCancelled { cancelSleeper(id) }
            }
        } onCancel: {
            cancelSleeper(id)
        }
    }

    private func cancelSleeper(_ id: UInt64) {
        let sleeper = state.withLock { state -> Sleeper? in
            guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
            let sleeper = state.sleepers.remove(at: index)
            if sleeper.tracked { state.active += 1 }
            return sleeper
        }
        sleeper?.continuation.resume(throwing: CancellationError())
    }

    /// Waits until every tracked task is finished or sleeping on this clock.
    public func settle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.active <= 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Moves time forward to `deadline`, waking due sleepers one at a time (deadline, then insertion order) and
    /// letting the woken work settle after each.
    public func advance(to deadline: Duration) async {
        while true {
            await settle()
            let due = state.withLock { state -> Sleeper? in
                var best: Int?
                for (index, sleeper) in state.sleepers.enumerated() where sleeper.deadline <= deadline {
                    if let b = best, Self.wakesFirst(state.sleepers[b], sleeper) { continue }
                    best = index
                }
                guard let best else {
                    if deadline > state.now { state.now = deadline }
                    return nil
                }
                let sleeper = state.sleepers.remove(at: best)
                if sleeper.deadline > state.now { state.now = sleeper.deadline }
                if sleeper.tracked { state.active += 1 }
                return sleeper
            }
            guard let due else { break }
            due.continuation.resume()
        }
        await settle()
    }

    /// Earlier deadline first; at equal deadlines the older task, then the earlier sleep.
    private static func wakesFirst(_ a: Sleeper, _ b: Sleeper) -> Bool {
        (a.deadline, a.order, a.id) <= (b.deadline, b.order, b.id)
    }

    /// Moves time forward by `duration`.
    public func advance(by duration: Duration) async {
        await advance(to: now + duration)
    }
}
