/// How a tool call leaves an agent step.
///
/// - A tool named under the step's `exits:` goes to that step (`vars.exit_args` = its arguments).
/// - Without such an exit, the built-ins act themselves, as a telephony engineer expects:
///   `transfer_call` transfers to the flow route named in its `route` argument (business hours, overflow and a
///   failed transfer are handled as in a `transfer:` step; when everything fails, the agent's `on_error`, then the
///   flow's), and `end_call` says goodbye (its `goodbye` argument, else the reply's words, else a standard
///   goodbye) and hangs up. A `transfer_call` that cannot be carried out (no or unknown route, closed without an
///   open overflow) is not an exit: the model gets an error result saying why and the conversation goes on.
import SwitchboardCore

enum AgentExit: Sendable, Equatable {
    case step(String)
    case transfer
    case hangUp
}

extension FlowInterpreter {
    /// Said by `end_call` when neither the model's reply nor its `goodbye` argument says anything (Tools' text).
    static let standardGoodbye = "Thank you for calling. Goodbye."

    /// How calling `name` leaves `step`, `nil` for an ordinary tool.
    func exitKind(of name: String, in step: AgentStep) -> AgentExit? {
        if let target = step.toolExits[name] { return .step(target) }
        guard step.tools.contains(name), case .builtin(let builtin)? = flow.tools[name]?.implementation else {
            return nil
        }
        switch builtin {
        case .transferCall: return .transfer
        case .endCall: return .hangUp
        case .lookupAccount, .verifyCaller, .sendDTMF: return nil
        }
    }

    /// Why a built-in exit call cannot be carried out (the model is told and may try again); `nil` when it can.
    func refusal(of call: ToolCall, _ exit: AgentExit) -> String? {
        guard exit == .transfer else { return nil }
        let known = flow.routes.keys.sorted().joined(separator: ", ")
        guard case .string(let route)? = call.arguments["route"], !route.isEmpty else {
            return "\(call.name) needs `route`, one of: \(known)"
        }
        guard flow.routes[route] != nil else { return "unknown route \(route) (known: \(known))" }
        guard resolveRoute(route, skipping: []) != nil else {
            return "\(route) is closed now and has no open overflow; offer to help otherwise"
        }
        return nil
    }

    /// The reply's first call that leaves the step.
    func exitCall(in reply: ModelReply, _ step: AgentStep) -> ToolCall? {
        reply.toolCalls.first { call in
            exitKind(of: call.name, in: step).map { refusal(of: call, $0) == nil } ?? false
        }
    }

    /// Leaves the agent step through an exit tool; its arguments go to `vars.exit_args`.
    mutating func takeExit(_ exit: ToolBatch.Exit, _ state: inout AgentState) {
        log("agent_exit", detail: exit.call.name)
        setVariable("exit_args", exit.call.arguments)
        let words = exit.alreadySpoken ? nil : exit.text.flatMap { $0.trimmingSpaces().isEmpty ? nil : $0 }
        switch exitKind(of: exit.call.name, in: state.step) {
        case .transfer?:
            output.append(.stopListening)
            guard case .string(let route)? = exit.call.arguments["route"] else {
                fail("\(exit.call.name) without a route", handler: state.step.onError)
                return
            }
            let announcement = words.map { Template(literal: $0) }
            startTransfer(TransferStep(target: .route(route), announcement: announcement, onFailure: state.step.onError))
        case .hangUp?:
            output.append(.stopListening)
            endCall(exit.call, words: words, alreadySpoken: exit.alreadySpoken, state.step)
        case .step(let target)?:
            leave(to: target, words: words, &state)
        case nil:
            leave(to: nil, words: words, &state)
        }
    }

    private mutating func leave(to target: String?, words: String?, _ state: inout AgentState) {
        if let words {
            let prompt = play(.text(words), interruptible: false, voice: state.step.voice, language: state.step.language)
            state.wait = .leaving(prompt, to: target)
            phase = .agent(state)
        } else {
            output.append(.stopListening)
            enter(target)
        }
    }

    /// `end_call` without an exit: the goodbye, then the hang-up.
    private mutating func endCall(_ call: ToolCall, words: String?, alreadySpoken: Bool, _ step: AgentStep) {
        var lines: [String] = []
        for line in [words, call.arguments["goodbye"]?.stringText] {
            guard let line, !line.trimmingSpaces().isEmpty, !lines.contains(line) else { continue }
            lines.append(line)
        }
        if lines.isEmpty, !alreadySpoken { lines = [Self.standardGoodbye] }
        var reason = "end_call"
        if let why = call.arguments["reason"]?.stringText, !why.trimmingSpaces().isEmpty { reason += ": \(why)" }
        guard !lines.isEmpty else {
            finish(.hungUp(reason: reason), hangUp: true)
            return
        }
        let prompt = play(.text(lines.joined(separator: " ")), interruptible: false, voice: step.voice, language: step.language)
        phase = .hangingUp(prompt, reason: reason)
    }
}

extension JSONValue {
    /// The text of a string value, `nil` for anything else.
    fileprivate var stringText: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
