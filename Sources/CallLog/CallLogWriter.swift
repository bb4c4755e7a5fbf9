// The SQLite `CallLogSink`. `write` appends to a lock-protected in-memory queue and returns (no disk, no
// await, no allocation beyond the array slot); one dedicated writer thread commits the queue in batched
// transactions every `flushInterval` after the first queued record, or as soon as `batchSize` records wait.
// A crash loses at most what was queued and not yet committed (bounded by those two settings).
import Foundation
public import GRDB
public import Logging
public import SwitchboardCore

public final class CallLogWriter: CallLogSink, Sendable {
    public struct Configuration: Sendable {
        public var flushInterval: Duration
        public var batchSize: Int
        /// Beyond this many queued records `write` drops (and counts) instead of growing without bound.
        public var maxQueueDepth: Int
        public var prices: PriceTable
        public var redactor: Redactor

        public init(
            flushInterval: Duration = .milliseconds(100), batchSize: Int = 500, maxQueueDepth: Int = 250_000,
            prices: PriceTable = .default, redactor: Redactor = .standard
        ) {
            self.flushInterval = flushInterval
            self.batchSize = max(1, batchSize)
            self.maxQueueDepth = max(1, maxQueueDepth)
            self.prices = prices
            self.redactor = redactor
        }
    }

    public struct Statistics: Sendable, Hashable, Codable {
        public var queueDepth: Int
        public var maxQueueDepth: Int
        public var enqueued: UInt64
        public var committed: UInt64
        /// Refused by `write` (queue full or writer closed).
        public var dropped: UInt64
        /// Not written: unknown call id or a database error.
        public var failed: UInt64
        public var batches: UInt64
    }

    public let path: String
    /// The pool the writer commits to; readers (`CallLogStore`) may share it.
    public let database: DatabasePool
    /// Calls found open at start-up and closed as `interrupted`.
    public let recoveredCalls: Int
    let core: CallLogWriterCore

    /// Opens or creates the database, migrates it, closes calls left open as `interrupted`, starts the thread.
    public init(path: String, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "calllog"))
        throws
    {
        self.path = path
        self.database = try CallLogDatabase.open(path: path, create: true)
        self.recoveredCalls = try CallLogDatabase.closeOpenCalls(database)
        if recoveredCalls > 0 {
            logger.warning("closed calls left open by a previous run as interrupted", metadata: ["count": "\(recoveredCalls)"])
        }
        self.core = CallLogWriterCore(database: database, configuration: configuration, logger: logger)
        core.start()
    }

    deinit {
        core.requestClose()
    }

    /// Non-blocking: enqueues the record for the writer thread.
    public func write(_ record: CallLogRecord) {
        core.enqueue(record)
    }

    /// Returns once every record written before the call is committed (or failed).
    public func flush() async {
        await core.flush()
    }

    /// Commits what is queued, stops the writer thread; later writes are dropped.
    public func close() async {
        await core.close()
    }

    public var queueDepth: Int { core.statistics().queueDepth }
    public var statistics: Statistics { core.statistics() }

    /// A reader over the same pool.
    public var store: CallLogStore { CallLogStore(database: database, path: path) }
}
