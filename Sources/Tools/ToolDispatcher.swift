import Foundation
public import Logging
public import SwitchboardCore

/// Runs the tool calls of one model turn. Every call ends as a `ToolResult` — unknown tools, tools not allowed
/// in the step, arguments that are not JSON or break the schema, calls over the caps, webhook failures all
/// become error results the model can recover from — and as a `ToolCallRecord` for the call log. Calls of one
/// turn run concurrently; results come back in the order of the calls.
public struct ToolDispatcher: Sendable {
    /// Caps that stop a model looping on tools.
    public struct Limits: Sendable, Hashable, Codable {
        /// Tool calls run per model turn; the rest get an error result.
        public var maxCallsPerTurn: Int
        /// Tool calls run per phone call; past it, every call gets an error result.
        public var maxCallsPerCall: Int
        /// Largest arguments text accepted.
        public var maxArgumentBytes: Int

        enum CodingKeys: String, CodingKey {
            case maxCallsPerTurn = "max_calls_per_turn"
            case maxCallsPerCall = "max_calls_per_call"
            case maxArgumentBytes = "max_argument_bytes"
        }

        public init(maxCallsPerTurn: Int = 5, maxCallsPerCall: Int = 30, maxArgumentBytes: Int = 16 * 1024) {
            self.maxCallsPerTurn = maxCallsPerTurn
            self.maxCallsPerCall = maxCallsPerCall
            self.maxArgumentBytes = maxArgumentBytes
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            maxCallsPerTurn = try container.decodeIfPresent(Int.self, forKey: .maxCallsPerTurn) ?? 5
            maxCallsPerCall = try container.decodeIfPresent(Int.self, forKey: .maxCallsPerCall) ?? 30
            maxArgumentBytes = try container.decodeIfPresent(Int.self, forKey: .maxArgumentBytes) ?? 16 * 1024
        }
    }

    /// What one turn's dispatch returns.
    public struct TurnOutcome: Sendable {
        /// One result per call, in the calls' order.
        public var results: [ToolResult]
        /// One record per call, in the same order, for the call log.
        public var records: [ToolCallRecord]
        /// The call's tool context after this turn; keep it for the next one.
        public var context: ToolCallContext

        /// The first transfer or hang-up any result asks for.
        public var action: ToolAction? { results.lazy.compactMap(\.action).first }
    }

    public var registry: ToolRegistry
    public var builtins: BuiltinTools
    public var webhooks: WebhookCaller?
    public var limits: Limits
    public var redactor: Redactor
    public var validator: JSONSchemaValidator
    public var logger: Logger

    public init(
        registry: ToolRegistry, builtins: BuiltinTools, webhooks: WebhookCaller?, limits: Limits = Limits(),
        redactor: Redactor = Redactor(), validator: JSONSchemaValidator = JSONSchemaValidator(),
        logger: Logger = Logger(label: "switchboard.tools")
    ) {
        self.registry = registry
        self.builtins = builtins
        self.webhooks = webhooks
        self.limits = limits
        self.redactor = redactor
        self.validator = validator
        self.logger = logger
    }

    /// Runs `calls` (one model turn) in `context`. `allowed` is the step's tool list (nil: every declared tool).
    public func dispatch(_ calls: [ToolCall], context: ToolCallContext, allowed: Set<String>? = nil) async
        -> TurnOutcome
    {
        let box = CallContextBox(context)
        let firstIndexInCall = context.toolCallsSoFar
        let entries = await withTaskGroup(of: (Int, ToolResult, ToolCallRecord).self) { group in
            for (index, call) in calls.enumerated() {
                let overTurnCap = index >= limits.maxCallsPerTurn
                let overCallCap = firstIndexInCall + index >= limits.maxCallsPerCall
                group.addTask {
                    let (result, record) = await self.run(
                        call, box: box, allowed: allowed, overTurnCap: overTurnCap, overCallCap: overCallCap)
                    return (index, result, record)
                }
            }
            var collected: [(Int, ToolResult, ToolCallRecord)] = []
            for await entry in group { collected.append(entry) }
            return collected.sorted { $0.0 < $1.0 }
        }
        var finalContext = await box.context
        finalContext.toolCallsSoFar += calls.count
        return TurnOutcome(results: entries.map(\.1), records: entries.map(\.2), context: finalContext)
    }

    /// Runs one call outside a turn (for `switchboard tools call` and a flow's `tool` step).
    public func run(_ call: ToolCall, context: ToolCallContext) async -> TurnOutcome {
        await dispatch([call], context: context)
    }

    private func run(
        _ call: ToolCall, box: CallContextBox, allowed: Set<String>?, overTurnCap: Bool, overCallCap: Bool
    ) async -> (ToolResult, ToolCallRecord) {
        let startedAt = Date()
        let clock = ContinuousClock.now
        var attempts = 0
        let result = await execute(
            call, box: box, allowed: allowed, overTurnCap: overTurnCap, overCallCap: overCallCap, attempts: &attempts)
        let elapsed = ContinuousClock.now - clock
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let callID = await box.context.callID
        let arguments = call.parsedArguments.map { redactor.redact($0) } ?? .string(redactor.redact(jsonText: call.argumentsText))
        let record = ToolCallRecord(
            callID: callID, toolCallID: call.id, tool: call.name, arguments: arguments,
            result: redactor.redact(result.value), error: result.errorMessage, durationMs: milliseconds,
            startedAt: startedAt, attempts: attempts)
        if let error = result.errorMessage {
            logger.info("tool call failed", metadata: ["tool": "\(call.name)", "call": "\(callID)", "error": "\(error)"])
        } else {
            logger.debug("tool call ran", metadata: ["tool": "\(call.name)", "call": "\(callID)"])
        }
        return (result, record)
    }

    private func execute(
        _ call: ToolCall, box: CallContextBox, allowed: Set<String>?, overTurnCap: Bool, overCallCap: Bool,
        attempts: inout Int
    ) async -> ToolResult {
        if overCallCap {
            return .error("tool call limit for this call reached (\(limits.maxCallsPerCall)); answer without tools", for: call)
        }
        if overTurnCap {
            return .error(
                "too many tool calls in one turn (limit \(limits.maxCallsPerTurn)); call fewer at a time",
                retryable: true, for: call)
        }
        guard let definition = registry.definition(named: call.name) else {
            let known = registry.names.filter { allowed?.contains($0) ?? true }.joined(separator: ", ")
            return .error("unknown tool \"\(call.name)\" (available: \(known))", for: call)
        }
        if let allowed, !allowed.contains(call.name) {
            return .error("tool \"\(call.name)\" is not available in this step", for: call)
        }
        guard call.argumentsText.utf8.count <= limits.maxArgumentBytes else {
            return .error("arguments larger than \(limits.maxArgumentBytes) bytes", for: call)
        }
        guard let arguments = call.parsedArguments else {
            var why = "not JSON"
            do { _ = try JSONValue.parse(call.argumentsText) } catch { why = error.description }
            return .error("arguments are not valid JSON (\(why)); send a JSON object", retryable: true, for: call)
        }
        let violations = validator.validate(arguments, against: definition.parameters)
        if !violations.isEmpty {
            let list = violations.prefix(5).map(\.description).joined(separator: "; ")
            return .error("arguments do not match the schema: \(list)", retryable: true, for: call)
        }
        switch definition.implementation {
        case .builtin(let tool):
            let outcome = await builtins.run(tool, arguments: arguments.objectValue ?? [:], context: box)
            return ToolResult(
                id: call.id, name: call.name, value: outcome.value, isError: outcome.isError, action: outcome.action)
        case .webhook(let configuration):
            guard let webhooks else { return .error("webhook tools are not enabled here", for: call) }
            let context = await box.context
            let outcome = await webhooks.call(
                configuration, tool: call.name, call: call, arguments: arguments, context: context)
            attempts = outcome.attempts
            return ToolResult(id: call.id, name: call.name, value: outcome.value, isError: outcome.isError)
        }
    }
}
