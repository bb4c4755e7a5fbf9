// The JSON-encodable results of call-log queries (`calls list`, `calls show`, `GET /calls`, `GET /calls/{id}`).
// Dates encode as ISO 8601 UTC with milliseconds via `CallLogStore.jsonEncoder()`.
public import Foundation
public import SwitchboardCore

public struct CallListFilter: Sendable, Hashable {
    public var since: Date?
    public var flow: String?
    /// An end reason (`completed`, `transferred`, …) or `live` for calls still open.
    public var outcome: String?
    public var limit: Int

    public init(since: Date? = nil, flow: String? = nil, outcome: String? = nil, limit: Int = 50) {
        self.since = since
        self.flow = flow
        self.outcome = outcome
        self.limit = limit
    }
}

public struct CallTotals: Sendable, Hashable, Codable {
    public var turns: Int
    public var toolCalls: Int
    public var modelRequests: Int
    public var costUSD: Double
    public var audioInMs: Int
    public var audioOutMs: Int
}

public struct CallSummary: Sendable, Hashable, Codable {
    public var id: String
    public var startedAt: Date
    public var answeredAt: Date?
    public var endedAt: Date?
    public var durationMs: Int?
    public var caller: String
    public var callee: String
    public var bridge: String
    public var flow: String
    public var flowVersion: String
    /// nil while the call is live.
    public var endReason: String?
    public var finalRoute: String?
    public var recordAudio: Bool
    public var recordingPath: String?
    public var totals: CallTotals
    /// `inbound` or `outbound` (issue 15).
    public var direction: String = "inbound"
    /// The final SIP status of an outbound call's INVITE, when there is one.
    public var sipStatus: Int?
}

public struct CallEventRow: Sendable, Hashable, Codable {
    public var seq: Int
    public var at: Date
    public var kind: String
    public var data: JSONValue
}

public struct TurnRow: Sendable, Hashable, Codable {
    public var seq: Int
    public var role: String
    public var transcript: String
    public var audioMs: Int
    public var startedAt: Date
    public var latencyMs: Int?
}

/// A stored record (a tool call, a model request) as the call wrote it, with its place in the call's timeline.
/// Encodes flat (`seq` beside the record's fields); reads through to the record (`row.tool`, `row.ttfbMs`).
@dynamicMemberLookup
public struct TimelineRow<Record: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var seq: Int
    public var record: Record

    public init(seq: Int, record: Record) {
        self.seq = seq
        self.record = record
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<Record, Value>) -> Value {
        record[keyPath: keyPath]
    }

    private enum CodingKeys: String, CodingKey { case seq }

    public init(from decoder: any Decoder) throws {
        seq = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .seq)
        record = try Record(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
    }
}

/// A stored tool call (redacted), with its `seq`.
public typealias ToolCallRow = TimelineRow<ToolCallRecord>

/// A stored model request, with its `seq`.
public typealias ModelRequestRow = TimelineRow<ModelRequestRecord>

/// count / min / median / max / mean of a list of milliseconds.
public struct LatencyStats: Sendable, Hashable, Codable {
    public var count: Int
    public var minMs: Int
    public var p50Ms: Int
    public var maxMs: Int
    public var meanMs: Double

    public init?(_ values: [Int]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        minMs = sorted[0]
        p50Ms = sorted[(sorted.count - 1) / 2]
        maxMs = sorted[sorted.count - 1]
        meanMs = Double(sorted.reduce(0, +)) / Double(sorted.count)
    }
}

public struct CallLatency: Sendable, Hashable, Codable {
    /// Bot turns: caller's end of speech → first audio out.
    public var turnLatency: LatencyStats?
    public var modelTTFB: LatencyStats?
    public var modelTTFA: LatencyStats?
    public var modelDuration: LatencyStats?
}

public struct CallDetail: Sendable, Hashable, Codable {
    public var call: CallSummary
    public var events: [CallEventRow]
    public var turns: [TurnRow]
    public var toolCalls: [ToolCallRow]
    public var modelRequests: [ModelRequestRow]
    public var latency: CallLatency
}
