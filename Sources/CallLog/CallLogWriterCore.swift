// The queue and the writer thread behind `CallLogWriter`. All mutable state is guarded by `condition`
// (an NSCondition: the thread sleeps on it with a deadline; `enqueue` signals only when the queue goes from
// empty to non-empty or reaches the batch size, so most writes are a lock, an append and an unlock).
import Foundation
import GRDB
import Logging
import SwitchboardCore

final class CallLogWriterCore: @unchecked Sendable {
    private struct FlushWaiter {
        let target: UInt64
        let continuation: CheckedContinuation<Void, Never>
    }

    private let database: DatabasePool
    private let configuration: CallLogWriter.Configuration
    private let logger: Logger
    private let condition = NSCondition()

    // Guarded by `condition`.
    private var queue: [CallLogRecord] = []
    private var firstQueuedAt: ContinuousClock.Instant?
    private var enqueued: UInt64 = 0
    private var committed: UInt64 = 0
    private var dropped: UInt64 = 0
    private var failed: UInt64 = 0
    private var batches: UInt64 = 0
    private var maxDepth = 0
    private var flushRequested = false
    private var closing = false
    private var finished = false
    private var waiters: [FlushWaiter] = []
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []

    init(database: DatabasePool, configuration: CallLogWriter.Configuration, logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        queue.reserveCapacity(configuration.batchSize * 2)
    }

    func start() {
        let thread = Thread { [self] in self.runLoop() }
        thread.name = "calllog-writer"
        thread.start()
    }

    func enqueue(_ record: CallLogRecord) {
        condition.lock()
        if closing || queue.count >= configuration.maxQueueDepth {
            dropped &+= 1
            condition.unlock()
            return
        }
        queue.append(record)
        enqueued &+= 1
        let depth = queue.count
        if depth > maxDepth { maxDepth = depth }
        if depth == 1 {
            firstQueuedAt = ContinuousClock.now
            condition.signal()
        } else if depth == configuration.batchSize {
            condition.signal()
        }
        condition.unlock()
    }

    func flush() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            if committed >= enqueued || finished {
                condition.unlock()
                continuation.resume()
                return
            }
            waiters.append(FlushWaiter(target: enqueued, continuation: continuation))
            flushRequested = true
            condition.signal()
            condition.unlock()
        }
    }

    func requestClose() {
        condition.lock()
        closing = true
        condition.signal()
        condition.unlock()
    }

    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            closing = true
            if finished {
                condition.unlock()
                continuation.resume()
                return
            }
            closeWaiters.append(continuation)
            condition.signal()
            condition.unlock()
        }
    }

    func statistics() -> CallLogWriter.Statistics {
        condition.lock()
        defer { condition.unlock() }
        return CallLogWriter.Statistics(
            queueDepth: queue.count, maxQueueDepth: maxDepth, enqueued: enqueued, committed: committed,
            dropped: dropped, failed: failed, batches: batches
        )
    }

    // MARK: The writer thread

    private func runLoop() {
        var inserter = CallLogInserter(prices: configuration.prices, redactor: configuration.redactor, logger: logger)
        var spare: [CallLogRecord] = []
        spare.reserveCapacity(configuration.batchSize * 2)
        while true {
            condition.lock()
            while !closing && !flushRequested && queue.count < configuration.batchSize {
                if let first = firstQueuedAt {
                    let remaining = configuration.flushInterval - (ContinuousClock.now - first)
                    if remaining <= .zero { break }
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(remaining)))
                } else {
                    condition.wait()
                }
            }
            if closing && queue.isEmpty {
                finished = true
                let pending = waiters
                let closers = closeWaiters
                waiters = []
                closeWaiters = []
                condition.unlock()
                for waiter in pending { waiter.continuation.resume() }
                for closer in closers { closer.resume() }
                return
            }
            swap(&queue, &spare)
            firstQueuedAt = nil
            flushRequested = false
            condition.unlock()

            let failures = commit(spare, inserter: &inserter)

            condition.lock()
            committed &+= UInt64(spare.count)
            failed &+= UInt64(failures)
            batches &+= 1
            var ready: [FlushWaiter] = []
            waiters.removeAll { waiter in
                if waiter.target <= committed {
                    ready.append(waiter)
                    return true
                }
                return false
            }
            condition.unlock()
            for waiter in ready { waiter.continuation.resume() }
            spare.removeAll(keepingCapacity: true)
        }
    }

    /// Writes one batch in one transaction; if that fails, retries record by record so one bad record cannot
    /// lose the others. Returns the number of records not written.
    private func commit(_ batch: [CallLogRecord], inserter: inout CallLogInserter) -> Int {
        guard !batch.isEmpty else { return 0 }
        var skipped = 0
        do {
            try database.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    for record in batch {
                        if try !inserter.insert(record, db) { skipped += 1 }
                    }
                    return .commit
                }
            }
            if skipped > 0 {
                logger.warning("call-log records for unknown calls were skipped", metadata: ["count": "\(skipped)"])
            }
            return skipped
        } catch {
            logger.error("call-log batch failed; retrying record by record", metadata: ["error": "\(error)"])
        }
        inserter.reset()
        var failures = 0
        for record in batch {
            do {
                let written = try database.writeWithoutTransaction { db in
                    var ok = false
                    try db.inTransaction {
                        ok = try inserter.insert(record, db)
                        return .commit
                    }
                    return ok
                }
                if !written { failures += 1 }
            } catch {
                failures += 1
                inserter.reset()
                logger.error("call-log record dropped", metadata: ["call": "\(record.callID)", "error": "\(error)"])
            }
        }
        return failures
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
