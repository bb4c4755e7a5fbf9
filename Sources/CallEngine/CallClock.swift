/// The time source of one call. `now` is the time since the clock's origin; all deadlines are on that timeline.
///
/// Work the session starts in the background goes through `task(_:)` so that a `VirtualClock` can tell when
/// every such task is waiting on the clock (quiescent) before it advances time.
public protocol CallClock: Sendable {
    /// Time since the clock's origin.
    var now: Duration { get }
    /// Suspends until `now >= deadline`. Throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Duration) async throws
    /// Starts background work that belongs to this clock's world (timers, model streams, tool calls).
    @discardableResult
    func task(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never>
}

extension CallClock {
    /// Suspends for `duration` from now.
    public func sleep(for duration: Duration) async throws {
        try await sleep(until: now + duration)
    }
}

extension Duration {
    /// Whole milliseconds (rounded toward zero).
    public var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
