// CallLog: the call record store. Owns the SQLite schema and its migrations (`CallLogSchema`), the value
// types every other module writes (`CallLogRecord`), the batched non-blocking writer (`CallLogWriter`), secret
// redaction (`Redactor`), model prices (`PriceTable`) and the read side (`CallLogStore`: list, show, prune).
// May import: GRDB, Logging, Foundation. Nothing else from Switchboard.
import SwitchboardCore

/// The port the call engine writes through. Implementations must never block the caller on I/O:
/// `write` only enqueues. `CallLogWriter` is the SQLite implementation; a second backend (a shared database
/// for several nodes) would conform to the same protocol.
public protocol CallLogSink: Sendable {
    func write(_ record: CallLogRecord)
}

extension CallLogSink {
    /// Convenience for several records in order.
    public func write(_ records: [CallLogRecord]) {
        for record in records { write(record) }
    }
}
