// Server/Lifecycle: the tasks of live calls, children of one discarding task group, so that shutting down can
// wait for every call's end (its call-log row, its recording, its fixture) instead of polling counters.

/// Runs each call's body as a child task of one group. `finish` refuses new calls and waits for the running ones.
public final class CallTasks: Sendable {
    public typealias Body = @Sendable () async -> Void

    private let continuation: AsyncStream<Body>.Continuation
    private let owner: Task<Void, Never>
    private let running = LockedBox(0)

    public init() {
        let (bodies, continuation) = AsyncStream.makeStream(of: Body.self)
        self.continuation = continuation
        owner = Task { [running] in
            await withDiscardingTaskGroup { group in
                for await body in bodies {
                    group.addTask {
                        await body()
                        running.withLock { $0 -= 1 }
                    }
                }
            }
        }
    }

    /// Calls whose body has not returned yet.
    public var count: Int { running.withLock { $0 } }

    /// Runs `body` in the call group. Returns false (and does not run it) once `finish` was called.
    @discardableResult
    public func spawn(_ body: @escaping Body) -> Bool {
        running.withLock { $0 += 1 }
        if case .terminated = continuation.yield(body) {
            running.withLock { $0 -= 1 }
            return false
        }
        return true
    }

    /// Refuses new calls and waits until every call's body has returned; past `timeout` the remaining ones are
    /// cancelled (and still awaited). Returns true when all ended by themselves.
    @discardableResult
    public func finish(timeout: Duration) async -> Bool {
        continuation.finish()
        let owner = self.owner
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
                owner.cancel()
            } catch {}
        }
        await owner.value
        timer.cancel()
        return !owner.isCancelled
    }
}
