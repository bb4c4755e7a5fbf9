// SwitchboardCore: the call-log port. Implementations must never block the caller on I/O: `write` only
// enqueues. CallLog's `CallLogWriter` is the SQLite implementation; a second backend (a shared database for
// several nodes) would conform to the same protocol.

public protocol CallLogSink: Sendable {
    func write(_ record: CallLogRecord)
}

extension CallLogSink {
    /// Convenience for several records in order.
    public func write(_ records: [CallLogRecord]) {
        for record in records { write(record) }
    }
}
