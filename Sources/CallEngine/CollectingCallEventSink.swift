// CallEngine: the in-memory `CallEventSink`, for replay (a fixture's `events.jsonl`, its expectations) and tests.
import Synchronization

/// A `CallEventSink` that keeps every record in memory, in order.
public final class CollectingCallEventSink: CallEventSink {
    private let state = Mutex<[CallEventRecord]>([])

    public init() {}

    public func record(_ record: CallEventRecord) {
        state.withLock { $0.append(record) }
    }

    public var records: [CallEventRecord] { state.withLock { $0 } }
    public var events: [CallLogEvent] { records.map(\.event) }
}
