public import CallEngine
import Synchronization

/// A call-log sink that keeps every record in memory, in order.
public final class RecordingCallLogSink: CallLogSink {
    private let state = Mutex<[CallLogRecord]>([])

    public init() {}

    public func record(_ record: CallLogRecord) {
        state.withLock { $0.append(record) }
    }

    public var records: [CallLogRecord] { state.withLock { $0 } }
    public var events: [CallLogEvent] { records.map(\.event) }
}
