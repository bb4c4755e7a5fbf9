// Replay: a fixture's `expect:` block and the check of an observed call against it.
import Flows
public import SwitchboardCore

/// What a fixture asserts about the replayed call. Every field is optional: only what is written is checked.
public struct FixtureExpectation: Codable, Sendable, Equatable {
    public struct ToolExpectation: Codable, Sendable, Equatable {
        public var name: String
        /// Matched as a subset: each given member must be present with an equal value.
        public var arguments: JSONValue?

        public init(name: String, arguments: JSONValue? = nil) {
            self.name = name
            self.arguments = arguments
        }
    }

    public var endReason: String?
    public var route: String?
    public var steps: [String]?
    public var tools: [ToolExpectation]?
    public var transcriptContains: [String]?
    public var turns: Int?
    public var bargeIns: Int?

    enum CodingKeys: String, CodingKey {
        // In the order a written fixture lists them.
        case endReason = "end_reason"
        case route, steps, tools
        case transcriptContains = "transcript_contains"
        case turns
        case bargeIns = "barge_ins"
    }

    public init(
        endReason: String? = nil, route: String? = nil, steps: [String]? = nil, tools: [ToolExpectation]? = nil,
        transcriptContains: [String]? = nil, turns: Int? = nil, bargeIns: Int? = nil
    ) {
        self.endReason = endReason
        self.route = route
        self.steps = steps
        self.tools = tools
        self.transcriptContains = transcriptContains
        self.turns = turns
        self.bargeIns = bargeIns
    }
}

/// What a replayed call did, as far as expectations can see.
public struct ObservedCall: Sendable, Equatable, Codable {
    public struct ToolCallSeen: Sendable, Equatable, Codable {
        public var name: String
        public var arguments: JSONValue

        public init(name: String, arguments: JSONValue) {
            self.name = name
            self.arguments = arguments
        }
    }

    public var endReason: String = ""
    public var route: String?
    public var steps: [String] = []
    public var tools: [ToolCallSeen] = []
    public var botTranscript: String = ""
    public var turns: Int = 0
    public var bargeIns: Int = 0

    public init() {}
}

/// One expectation that did not hold, printed as a small diff.
public struct ExpectationFailure: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var expected: String
    public var actual: String

    public var description: String {
        "\(field):\n  - expected: \(expected)\n  + actual:   \(actual)"
    }
}

extension FixtureExpectation {
    /// Every expectation that the observed call does not meet (empty when it passes).
    public func failures(for call: ObservedCall) -> [ExpectationFailure] {
        var out: [ExpectationFailure] = []
        if let endReason, endReason != call.endReason {
            out.append(.init(field: "end_reason", expected: endReason, actual: call.endReason))
        }
        if let route, route != call.route {
            out.append(.init(field: "route", expected: route, actual: call.route ?? "(none)"))
        }
        if let steps, !Self.isSubsequence(steps, of: call.steps) {
            out.append(.init(
                field: "steps", expected: steps.joined(separator: " → "),
                actual: call.steps.joined(separator: " → ")))
        }
        if let tools, !Self.toolsMatch(tools, call.tools) {
            out.append(.init(
                field: "tools",
                expected: tools.map { "\($0.name)(\($0.arguments?.jsonText ?? "…"))" }.joined(separator: ", "),
                actual: call.tools.map { "\($0.name)(\($0.arguments.jsonText))" }.joined(separator: ", ")))
        }
        for phrase in transcriptContains ?? [] where !call.botTranscript.lowercased().contains(phrase.lowercased()) {
            out.append(.init(
                field: "transcript_contains", expected: "\"\(phrase)\"", actual: "\"\(call.botTranscript)\""))
        }
        if let turns, turns != call.turns {
            out.append(.init(field: "turns", expected: "\(turns)", actual: "\(call.turns)"))
        }
        if let bargeIns, bargeIns != call.bargeIns {
            out.append(.init(field: "barge_ins", expected: "\(bargeIns)", actual: "\(call.bargeIns)"))
        }
        return out
    }

    static func isSubsequence(_ wanted: [String], of seen: [String]) -> Bool {
        var iterator = seen.makeIterator()
        return wanted.allSatisfy { step in
            while let next = iterator.next() {
                if next == step { return true }
            }
            return false
        }
    }

    static func toolsMatch(_ wanted: [ToolExpectation], _ seen: [ObservedCall.ToolCallSeen]) -> Bool {
        guard wanted.count == seen.count else { return false }
        return zip(wanted, seen).allSatisfy { want, got in
            want.name == got.name && (want.arguments.map { isSubset($0, of: got.arguments) } ?? true)
        }
    }

    static func isSubset(_ wanted: JSONValue, of actual: JSONValue) -> Bool {
        switch (wanted, actual) {
        case (.object(let want), .object(let got)):
            return want.allSatisfy { key, value in got[key].map { isSubset(value, of: $0) } ?? false }
        default:
            return wanted == actual
        }
    }
}
