/// The tool calls of one model reply, while they run.
///
/// Dispatch rule for a reply with tool calls (all of it decided here; the engine only runs batches):
/// - Calls the step does not list (or the flow does not declare) are answered at once with an error result
///   and never run.
/// - All other calls of the reply go to the engine as ONE `.callTools` batch, so they run concurrently and the
///   runner's per-turn cap sees the whole turn.
/// - The results go back to the model in the calls' order (not in the order they finished), in one request.
/// - An exit tool is never run as a tool: it ends the step. Exit tools are the names under the step's `exits:`
///   and, without such an exit, the built-ins `transfer_call` (transfers to its `route`) and `end_call` (says
///   goodbye, hangs up) — see `AgentExit`. A built-in exit that cannot be carried out (unknown or closed route)
///   is answered with an error result instead, like a call the step does not list. The first exit call of
///   the reply wins; later exit calls are ignored. When the reply also has ordinary calls, those run first
///   (one batch, as above); once all their results are in (and logged by the engine) the step is left
///   through the exit. Their results are not sent to the model — its
///   conversation in this step is over. The reply's own text (when not already spoken) is played on the way out.
import SwitchboardCore
struct ToolBatch: Sendable, Equatable {
    /// Where to go once the batch is done, when the reply also held an exit tool.
    struct Exit: Sendable, Equatable {
        var call: ToolCall
        var text: String?
        var alreadySpoken: Bool
    }

    /// Every call of the reply that is answered, in the model's order.
    var ids: [String]
    /// One slot per call; `nil` while the engine still runs it.
    var results: [ToolResult?]
    var exit: Exit?

    var isComplete: Bool { !results.contains(nil) }

    /// The results in the calls' order.
    var ordered: [ToolResult] { results.compactMap { $0 } }

    /// Fills the first open slot for `result.id`; false for an unknown or already answered id.
    mutating func accept(_ result: ToolResult) -> Bool {
        guard let index = ids.indices.first(where: { ids[$0] == result.id && results[$0] == nil }) else {
            return false
        }
        results[index] = result
        return true
    }
}

extension FlowInterpreter {
    /// The reply asked for tools: run the available ones as one batch (see `ToolBatch` for the rule).
    mutating func startTools(_ reply: ModelReply, text: String?, exit: ToolBatch.Exit?, _ state: inout AgentState) {
        var batch = ToolBatch(ids: [], results: [], exit: exit)
        var toRun: [ToolCall] = []
        for call in reply.toolCalls {
            if let kind = exitKind(of: call.name, in: state.step) {
                // Exit tools never run. A built-in one that cannot be carried out tells the model why.
                if exit == nil, let why = refusal(of: call, kind) {
                    log("tool_refused", detail: "\(call.name): \(why)")
                    batch.ids.append(call.id)
                    batch.results.append(ToolResult(id: call.id, outcome: .failure(why)))
                }
            } else if state.step.tools.contains(call.name), flow.tools[call.name] != nil {
                log("tool_call", detail: call.name)
                if let digits = digitsToSend(call) {
                    log("send_dtmf", detail: digits)
                    output.append(.sendDigits(digits))
                }
                toRun.append(call)
                batch.ids.append(call.id)
                batch.results.append(nil)
            } else if exit == nil {
                batch.ids.append(call.id)
                batch.results.append(ToolResult(id: call.id, outcome: .failure("tool \(call.name) is not available here")))
            }
        }
        if exit == nil, let text, !reply.alreadySpoken {
            _ = play(.text(text), interruptible: true, voice: state.step.voice, language: state.step.language)
        }
        if !toRun.isEmpty { output.append(.callTools(toRun)) }
        state.wait = .tools(batch)
        toolsProgressed(batch, &state)
    }

    /// A `.toolResult` while the agent waits for its batch.
    mutating func handleToolResult(_ result: ToolResult, _ batch: ToolBatch, _ state: inout AgentState) {
        var batch = batch
        guard batch.accept(result) else { return }
        log("tool_result", detail: result.id)
        toolsProgressed(batch, &state)
    }

    private mutating func toolsProgressed(_ batch: ToolBatch, _ state: inout AgentState) {
        guard batch.isComplete else {
            state.wait = .tools(batch)
            phase = .agent(state)
            return
        }
        if let exit = batch.exit {
            takeExit(exit, &state)
        } else {
            askModel(&state, .toolResults(batch.ordered))
        }
    }
}

extension FlowInterpreter {
    /// The digits of a call of the built-in `send_dtmf` (the engine sends them; the tool confirms), or nil for any
    /// other call or digits the step's `send_dtmf` would refuse.
    func digitsToSend(_ call: ToolCall) -> String? {
        guard case .builtin(.sendDTMF)? = flow.tools[call.name]?.implementation,
            case .string(let digits)? = call.arguments["digits"], (1...32).contains(digits.count),
            digits.allSatisfy({ FlowDecoder.sendDTMFCharacters.contains($0) && $0 != "W" && !("a"..."d").contains($0) })
        else { return nil }
        return digits
    }
}
