// A `CallLogSink` decorator that derives metrics from the records it forwards: active calls, calls by
// outcome, model TTFB/TTFA and errors, tool errors. Cheap enough for the call path (atomics and a lock).
import CallLog
public import SwitchboardCore

public struct MeteredCallLogSink: CallLogSink {
    public let base: any CallLogSink
    public let metrics: AdminMetrics

    public init(base: any CallLogSink, metrics: AdminMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public func write(_ record: CallLogRecord) {
        switch record {
        case .started:
            metrics.callStarted()
        case .ended(let ended):
            metrics.callEnded(outcome: ended.reason.rawValue)
        case .modelRequest(let request):
            metrics.modelRequest(
                ttfb: request.ttfbMs.map { .milliseconds($0) }, ttfa: request.ttfaMs.map { .milliseconds($0) },
                failed: request.error != nil || !(request.status == "ok" || request.status == "200"))
        case .toolCall(let call):
            if call.error != nil { metrics.toolError(tool: call.tool) }
        case .event, .turn, .callerTranscript:
            break
        }
        base.write(record)
    }
}
