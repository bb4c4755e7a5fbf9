// CallWiring: CallEngine's call-log events into CallLog's writer. One sink per call: it knows when the call
// started (to turn call-clock offsets into wall-clock times) and its metadata. Model requests and tool calls
// are written by their own adapters, which see the full metrics and the redacted records.
public import CallEngine
import Flows
public import Foundation
public import SwitchboardCore

/// Writes one call's events to the SQLite call log without ever waiting on disk.
public struct CallLogWriterSink: CallEventSink {
    /// The writer, or a wrapper of it (e.g. one that also updates metrics).
    public let writer: any CallLogSink
    public let callStartedAt: Date

    public init(writer: any CallLogSink, callStartedAt: Date) {
        self.writer = writer
        self.callStartedAt = callStartedAt
    }

    private func date(_ offset: Duration) -> Date {
        callStartedAt.addingTimeInterval(Double(offset.milliseconds) / 1000)
    }

    public func record(_ record: CallEventRecord) {
        let at = date(record.at)
        let id = record.callID
        func event(_ kind: CallEventKind, _ data: JSONValue = [:]) {
            writer.write(.event(CallEvent(callID: id, at: at, kind: kind, data: data)))
        }
        switch record.event {
        case .started:
            // The call row is written by the bridge or replayer, which knows caller, callee and bridge.
            event(.answered)
        case .stepEntered(let step):
            event(.stepEntered, ["step": .string(step)])
        case .turn(let speaker, let text, let durationMs):
            writer.write(.turn(TurnRecord(
                callID: id, role: speaker == .caller ? .caller : .bot, transcript: text ?? "", audioMs: durationMs,
                // A caller turn is logged when it ends; a bot turn when its reply was complete.
                startedAt: speaker == .caller ? date(record.at - .milliseconds(durationMs)) : at)))
        case .callerTranscript(let turn, let text):
            writer.write(.callerTranscript(CallerTranscriptRecord(callID: id, turn: turn, transcript: text)))
        case .dtmf(let digit):
            event(.dtmf, ["digit": .string(String(digit))])
        case .bargeIn:
            event(.bargeIn)
        case .toolCall(let name, _, _, let error, _):
            if let error { event(.error, ["tool": .string(name), "error": .string(error)]) }
        case .modelRequest(let step, _, let error, _):
            if let error { event(.error, ["step": .string(step), "model_error": .string(error)]) }
        case .transfer(let target, let result):
            event(.transfer, ["target": .string(target), "result": .string(result)])
        case .note(let kind, let detail):
            event(CallEventKind(kind), ["detail": .string(detail)])
        case .ended:
            // The end row (reason, final route) is written by whoever ends the call.
            event(.hangup)
        }
    }

    /// A tool call as the dispatcher recorded it (arguments and result already redacted).
    public func record(_ tool: ToolCallRecord) {
        writer.write(.toolCall(tool))
    }
}
