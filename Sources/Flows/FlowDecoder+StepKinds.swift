import Yams

extension FlowDecoder {
    static let digitKeys = "0123456789*#ABCD"

    mutating func decodeGather(_ node: Node, _ options: [String: Node], name: String, edges: inout StepEdges) -> GatherStep? {
        var wantsDTMF = false
        var speech = false
        var dtmfNode: Node?
        switch node {
        case .scalar(let scalar):
            switch scalar.string {
            case "dtmf": wantsDTMF = true
            case "speech": speech = true
            case "dtmf+speech", "both": wantsDTMF = true; speech = true
            default: error(node, "`gather` is `dtmf`, `speech`, `both`, or a mapping {dtmf: …, speech: true}")
            }
        case .sequence:
            for item in sequence(node, "`gather`") ?? [] {
                switch item.string {
                case "dtmf": wantsDTMF = true
                case "speech": speech = true
                default: error(item, "`gather` lists `dtmf` and/or `speech`")
                }
            }
        default:
            for (key, _, value) in mapping(node, "`gather`", allowed: ["dtmf", "speech"]) ?? [] {
                if key == "speech" { speech = bool(value, "`speech`") ?? false; continue }
                if case .mapping = value { wantsDTMF = true; dtmfNode = value } else { wantsDTMF = bool(value, "`dtmf`") ?? false }
            }
        }
        if !wantsDTMF && !speech { error(node, "`gather` must accept `dtmf`, `speech` or both") }
        var step = GatherStep(
            dtmf: nil, speech: speech, prompt: nil, reprompt: nil, interruptible: true, voice: nil, retries: 2, store: nil,
            digits: [:], onSpeech: nil, onNoInput: nil, onNoMatch: nil, next: nil)
        if let value = options["prompt"] { step.prompt = prompt(value, "`prompt`") }
        if let value = options["reprompt"] { step.reprompt = prompt(value, "`reprompt`") }
        if let value = options["retries"] { step.retries = int(value, "`retries`", range: 0...10) ?? 2 }
        if let value = options["interruptible"] { step.interruptible = bool(value, "`interruptible`") ?? true }
        if let value = options["voice"] { step.voice = string(value, "`voice`") }
        step.store = storeName(options["store"])
        step.next = edges.ref(options["next"], "`next`", &self)
        if let value = options["on"] {
            for (key, keyNode, target) in mapping(value, "`on`") ?? [] {
                guard let targetName = edges.ref(target, "`on.\(key)`", &self) else { continue }
                switch key {
                case "speech":
                    if !speech { error(keyNode, "`on.speech` needs `gather` to accept speech") }
                    step.onSpeech = targetName
                case "no_input": step.onNoInput = targetName
                case "no_match": step.onNoMatch = targetName
                default:
                    guard !key.isEmpty, key.allSatisfy({ Self.digitKeys.contains($0) }) else {
                        let hint = didYouMean(key, among: ["speech", "no_input", "no_match"])
                        error(keyNode, "`on` keys are digits (\"1\", \"42#\"), `speech`, `no_input` or `no_match`, found `\(key)`\(hint)")
                        continue
                    }
                    if !wantsDTMF { error(keyNode, "`on.\(key)` needs `gather` to accept dtmf") }
                    step.digits[key] = targetName
                }
            }
        }
        if wantsDTMF {
            let longest = step.digits.keys.map(\.count).max() ?? 1
            var dtmf = DTMFOptions(
                maxDigits: max(1, longest), terminator: longest > 1 ? "#" : nil,
                firstDigitTimeoutMs: defaults.timeouts.noInputMs, interDigitTimeoutMs: defaults.timeouts.interDigitMs)
            let keys = ["max_digits", "terminator", "first_digit_timeout_ms", "inter_digit_timeout_ms"]
            for (key, _, value) in dtmfNode.flatMap({ mapping($0, "`dtmf`", allowed: keys) }) ?? [] {
                switch key {
                case "max_digits": dtmf.maxDigits = int(value, "`max_digits`", range: 1...64) ?? dtmf.maxDigits
                case "terminator":
                    dtmf.terminator = value.string == "none" ? nil : character(value, "`terminator`", allowed: "#*")
                case "first_digit_timeout_ms":
                    dtmf.firstDigitTimeoutMs = int(value, "`first_digit_timeout_ms`", range: 100...600_000) ?? dtmf.firstDigitTimeoutMs
                default:
                    dtmf.interDigitTimeoutMs = int(value, "`inter_digit_timeout_ms`", range: 100...600_000) ?? dtmf.interDigitTimeoutMs
                }
            }
            for key in step.digits.keys where key.count > dtmf.maxDigits {
                error(options["on"] ?? node, "`on.\(key)` has more digits than `max_digits` (\(dtmf.maxDigits))")
            }
            step.dtmf = dtmf
        }
        if step.next == nil && step.onNoInput == nil {
            error(node, "gather `\(name)` needs `on.no_input` or `next` for when the caller says nothing")
        }
        if step.next == nil && step.onNoMatch == nil && !(speech && step.onSpeech != nil && !wantsDTMF) {
            error(node, "gather `\(name)` needs `on.no_match` or `next` for input that matches nothing")
        }
        return step
    }

    mutating func decodeAgent(_ node: Node, _ options: [String: Node], name: String, tools: [String: ToolDeclaration], edges: inout StepEdges) -> AgentStep? {
        let keys = ["instructions", "greeting", "voice", "model", "language", "tools", "max_turns", "silence_timeout_ms", "max_silences"]
        guard let pairs = mapping(node, "`agent`", allowed: keys) else { return nil }
        var step = AgentStep(
            instructions: Template(literal: ""), greeting: nil, voice: nil, model: nil, language: nil, tools: [], maxTurns: 10,
            silenceTimeoutMs: defaults.timeouts.silenceMs, maxSilences: 2, toolExits: [:], onMaxTurns: nil, onSilence: nil, onError: nil)
        var toolNodes: [String: Node] = [:]
        for (key, _, value) in pairs {
            switch key {
            case "instructions": step.instructions = template(value, "`instructions`") ?? step.instructions
            case "greeting": step.greeting = template(value, "`greeting`")
            case "voice": step.voice = string(value, "`voice`")
            case "model": step.model = string(value, "`model`")
            case "language": step.language = string(value, "`language`")
            case "tools":
                for item in sequence(value, "`tools`") ?? [] {
                    guard let tool = string(item, "a tool name") else { continue }
                    index.toolRefs.append(FlowIndex.Reference(name: tool, position: position(item), from: name))
                    step.tools.append(tool)
                    toolNodes[tool] = item
                }
            case "max_turns": step.maxTurns = int(value, "`max_turns`", range: 1...200) ?? step.maxTurns
            case "silence_timeout_ms": step.silenceTimeoutMs = int(value, "`silence_timeout_ms`", range: 500...600_000) ?? step.silenceTimeoutMs
            default: step.maxSilences = int(value, "`max_silences`", range: 1...20) ?? step.maxSilences
            }
        }
        if !pairs.contains(where: { $0.key == "instructions" }) { error(node, "agent step `\(name)` needs `instructions`") }
        step.onError = edges.ref(options["on_error"], "`on_error`", &self)
        for (key, keyNode, target) in options["exits"].flatMap({ mapping($0, "`exits`") }) ?? [] {
            guard let targetName = edges.ref(target, "`exits.\(key)`", &self) else { continue }
            switch key {
            case "max_turns": step.onMaxTurns = targetName
            case "silence": step.onSilence = targetName
            case "error": step.onError = targetName
            default:
                if step.tools.contains(key) {
                    step.toolExits[key] = targetName
                } else if tools[key] != nil {
                    error(keyNode, "exit `\(key)` is not one of this agent's `tools`: add it to `agent.tools`")
                } else {
                    let hint = didYouMean(key, among: step.tools + ["max_turns", "silence", "error"])
                    error(keyNode, "`exits` keys are tool names of this agent, `max_turns`, `silence` or `error`, found `\(key)`\(hint)")
                }
            }
        }
        checkBuiltinTransfers(step, tools: tools, nodes: toolNodes)
        return step
    }

    /// A built-in `transfer_call` without an exit transfers to the route the model names (see `AgentExit`):
    /// the flow must declare routes, and a declared schema must let the model name one of them.
    mutating func checkBuiltinTransfers(_ step: AgentStep, tools: [String: ToolDeclaration], nodes: [String: Node]) {
        for name in step.tools where step.toolExits[name] == nil {
            guard case .builtin(.transferCall)? = tools[name]?.implementation, let node = nodes[name] else { continue }
            let fix = "add `exits: {\(name): STEP}` to handle it in the flow"
            guard !routeNames.isEmpty else {
                error(node, "`\(name)` (built-in transfer_call) has no exit here, so it transfers to the route the model names, but the flow declares no `routes:`; declare routes or \(fix)")
                continue
            }
            guard case .object(let route)? = tools[name]?.parameters["properties"]?["route"] else {
                error(node, "`\(name)` (built-in transfer_call) has no exit here, so it transfers to its `route` argument, but its `parameters` have no `route` property; add one or \(fix)")
                continue
            }
            if case .array(let values)? = route["enum"] {
                for value in values {
                    guard case .string(let text) = value, routeNames.contains(text) else {
                        error(node, "`\(name)` (built-in transfer_call) has no exit here, but its `route` enum lists \(value.jsonText), which is not a declared route; \(fix) or fix the enum")
                        break
                    }
                }
            }
        }
    }

    mutating func decodeSet(_ node: Node, _ options: [String: Node], edges: inout StepEdges) -> SetStep? {
        var assignments: [Assignment] = []
        for (key, keyNode, value) in mapping(node, "`set`") ?? [] {
            let bare = key.hasPrefix("vars.") ? String(key.dropFirst(5)) : key
            guard VariablePath.isIdentifier(Substring(bare)) else {
                error(keyNode, "`set` assigns variables (letters, digits, `_`), found `\(key)`")
                continue
            }
            index.varDefs.insert(bare)
            if case .mapping(let mapping) = value, mapping.count == 1, let expr = mapping["expr"] {
                if let expression = expression(expr, "`expr`") {
                    assignments.append(Assignment(variable: bare, value: .expression(expression)))
                }
            } else if case .scalar(let scalar) = value, scalar.string.contains("{{") {
                if let template = template(value, "value") {
                    assignments.append(Assignment(variable: bare, value: .template(template)))
                }
            } else {
                assignments.append(Assignment(variable: bare, value: .literal(json(value))))
            }
        }
        return SetStep(assignments: assignments, next: edges.ref(options["next"], "`next`", &self))
    }

    mutating func decodeSwitch(_ node: Node, _ options: [String: Node], edges: inout StepEdges) -> SwitchStep? {
        var cases: [SwitchStep.Case] = []
        for item in sequence(node, "`switch` (a list of {if: condition, goto: step})") ?? [] {
            guard let pairs = mapping(item, "a switch case", allowed: ["if", "goto"]) else { continue }
            let byKey = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            guard let condition = byKey["if"], let target = byKey["goto"] else {
                error(item, "a switch case needs `if` and `goto`")
                continue
            }
            let expression = expression(condition, "`if`")
            let targetName = edges.ref(target, "`goto`", &self)
            if let expression, let targetName { cases.append(SwitchStep.Case(condition: expression, target: targetName)) }
        }
        let fallback = edges.ref(options["default"], "`default`", &self)
        if fallback == nil && options["default"] == nil { error(node, "`switch` needs a `default` step") }
        return SwitchStep(cases: cases, defaultTarget: fallback)
    }

    mutating func decodeToolStep(
        _ node: Node, _ options: [String: Node], name: String, tools: [String: ToolDeclaration], edges: inout StepEdges
    ) -> ToolStep? {
        guard let tool = string(node, "`tool`") else { return nil }
        index.toolRefs.append(FlowIndex.Reference(name: tool, position: position(node), from: name))
        // Run as a plain tool these would only answer "transfer"/"hang up"; nothing would carry it out.
        switch tools[tool]?.implementation {
        case .builtin(.transferCall)?:
            error(node, "a `tool` step does not carry out `\(tool)` (built-in transfer_call): use a `transfer: ROUTE` step")
        case .builtin(.endCall)?:
            error(node, "a `tool` step does not carry out `\(tool)` (built-in end_call): use a `hangup:` step with `goodbye:`")
        default:
            break
        }
        var args: [String: TemplatedJSON] = [:]
        for (key, _, value) in options["args"].flatMap({ mapping($0, "`args`") }) ?? [] {
            args[key] = templatedJSON(value, depth: 0)
        }
        return ToolStep(
            tool: tool, args: args, store: storeName(options["store"]), next: edges.ref(options["next"], "`next`", &self),
            onError: edges.ref(options["on_error"], "`on_error`", &self))
    }

    mutating func templatedJSON(_ node: Node, depth: Int) -> TemplatedJSON {
        switch node {
        case .scalar(let scalar) where scalar.string.contains("{{"):
            return template(node, "argument").map { .template($0) } ?? .value(.null)
        case .sequence(let items):
            return .array(items.map { templatedJSON($0, depth: depth + 1) })
        case .mapping(let members):
            var out: [String: TemplatedJSON] = [:]
            for (key, value) in members { out[key.string ?? ""] = templatedJSON(value, depth: depth + 1) }
            return .object(out)
        default:
            return .value(json(node))
        }
    }

    mutating func decodeTransfer(_ node: Node, _ options: [String: Node], name: String, edges: inout StepEdges) -> TransferStep? {
        guard let text = string(node, "`transfer` (a route name or a SIP URI)") else { return nil }
        let target: TransferTarget
        let lower = text.lowercased()
        if lower.hasPrefix("sip:") || lower.hasPrefix("sips:") || lower.hasPrefix("tel:") || text.contains("{{") {
            guard let template = template(node, "`transfer`") else { return nil }
            if !text.contains("{{") { checkURI(text, node) }
            target = .uri(template)
        } else {
            index.routeRefs.append(FlowIndex.Reference(name: text, position: position(node), from: name))
            target = .route(text)
        }
        var step = TransferStep(
            target: target, announcement: options["announcement"].flatMap { template($0, "`announcement`") },
            onFailure: edges.ref(options["on_failure"], "`on_failure`", &self))
        if let modeNode = options["mode"], let text = string(modeNode, "`mode`") {
            let modes = TransferMode.allCases.map(\.rawValue)
            if let mode = TransferMode(rawValue: text) {
                step.mode = mode
            } else {
                error(modeNode, "`mode` must be \(modes.map { "`\($0)`" }.joined(separator: " or ")), found `\(text)`\(didYouMean(text, among: modes))")
            }
        }
        if let whisperNode = options["whisper"] {
            if step.mode != .attended {
                error(whisperNode, "`whisper` is spoken to the target of an attended transfer: add `mode: attended`")
            }
            step.whisper = template(whisperNode, "`whisper`")
        }
        if let timeoutNode = options["answer_timeout"] {
            if step.mode != .attended {
                error(timeoutNode, "`answer_timeout` is for an attended transfer's call to the target: add `mode: attended`")
            }
            if let seconds = int(timeoutNode, "`answer_timeout` (seconds)", range: 1...300) { step.answerTimeoutMs = seconds * 1000 }
        }
        return step
    }

    mutating func decodeHangup(_ node: Node, _ options: [String: Node]) -> HangupStep? {
        var reason = "flow ended"
        if case .scalar(let scalar) = node, scalar.string != "true", !scalar.string.isEmpty { reason = scalar.string }
        return HangupStep(reason: reason, goodbye: options["goodbye"].flatMap { template($0, "`goodbye`") })
    }

    mutating func decodeRecord(_ node: Node, _ options: [String: Node], edges: inout StepEdges) -> RecordStep? {
        var step = RecordStep(
            prompt: nil, maxSeconds: 120, silenceTimeoutMs: defaults.timeouts.recordSilenceMs, terminator: "#", beep: true,
            store: storeName(options["store"]), next: edges.ref(options["next"], "`next`", &self))
        if case .scalar = node {
            step.maxSeconds = int(node, "`record` (maximum seconds)", range: 1...3_600) ?? step.maxSeconds
        } else {
            let keys = ["max_seconds", "silence_timeout_ms", "terminator", "beep"]
            for (key, _, value) in mapping(node, "`record`", allowed: keys) ?? [] {
                switch key {
                case "max_seconds": step.maxSeconds = int(value, "`max_seconds`", range: 1...3_600) ?? step.maxSeconds
                case "silence_timeout_ms":
                    step.silenceTimeoutMs = int(value, "`silence_timeout_ms`", range: 500...600_000) ?? step.silenceTimeoutMs
                case "terminator": step.terminator = value.string == "none" ? nil : character(value, "`terminator`", allowed: "#*")
                default: step.beep = bool(value, "`beep`") ?? true
                }
            }
        }
        if let value = options["prompt"] { step.prompt = prompt(value, "`prompt`") }
        return step
    }
}
