import Yams

extension FlowDecoder {
    static let stepKinds = ["say", "audio", "gather", "agent", "set", "switch", "goto", "tool", "transfer", "hangup", "record", "send_dtmf"]
    static let stepOptions: [String: [String]] = [
        "say": ["interruptible", "voice", "next"],
        "gather": ["prompt", "reprompt", "retries", "store", "on", "next", "interruptible", "voice"],
        "agent": ["exits", "on_error"],
        "set": ["next"],
        "switch": ["default"],
        "goto": [],
        "tool": ["args", "store", "next", "on_error"],
        "transfer": ["announcement", "on_failure", "mode", "whisper", "answer_timeout"],
        "hangup": ["goodbye"],
        "record": ["prompt", "store", "next"],
        "send_dtmf": ["next"],
    ]

    mutating func decodeStep(name: String, keyNode: Node, node: Node, tools: [String: ToolDeclaration]) -> Step? {
        guard VariablePath.isIdentifier(Substring(name)) else {
            error(keyNode, "step name `\(name)` must be letters, digits and `_`")
            return nil
        }
        guard let pairs = mapping(node, "step `\(name)`") else { return nil }
        let kinds = pairs.filter { Self.stepKinds.contains($0.key) }
        guard let kindPair = kinds.first else {
            // A misspelt kind ("sya") gets a suggestion; otherwise list the kinds.
            if let typo = pairs.first(where: { !didYouMean($0.key, among: Self.stepKinds).isEmpty }) {
                error(typo.keyNode, "unknown key `\(typo.key)` in step `\(name)`\(didYouMean(typo.key, among: Self.stepKinds))")
            } else {
                error(keyNode, "step `\(name)` has no kind: use one of \(Self.stepKinds.filter { $0 != "audio" }.joined(separator: ", "))")
            }
            return nil
        }
        if kinds.count > 1 {
            error(kinds[1].keyNode, "step `\(name)` has two kinds, `\(kindPair.key)` and `\(kinds[1].key)`: split it into two steps")
            return nil
        }
        let kind = kindPair.key == "audio" ? "say" : kindPair.key
        let allowed = Self.stepOptions[kind] ?? []
        var options: [String: Node] = [:]
        for pair in pairs where pair.key != kindPair.key {
            if allowed.contains(pair.key) {
                options[pair.key] = pair.value
            } else {
                let message = "unknown key `\(pair.key)` in \(kind) step `\(name)`"
                let hint = didYouMean(pair.key, among: allowed)
                error(pair.keyNode, message + (hint.isEmpty ? (allowed.isEmpty ? "" : " (allowed: \(allowed.joined(separator: ", ")))") : hint))
            }
        }
        let before = diagnostics.count
        var edges = StepEdges(from: name)
        let stepKind: StepKind?
        switch kind {
        case "say":
            let content: PromptContent? = kindPair.key == "audio"
                ? string(kindPair.value, "`audio`").map { .audio($0) }
                : template(kindPair.value, "`say`").map { .text($0) }
            let interruptible = options["interruptible"].flatMap { bool($0, "`interruptible`") } ?? true
            let voice = options["voice"].flatMap { string($0, "`voice`") }
            let next = edges.ref(options["next"], "`next`", &self)
            stepKind = content.map { .say(SayStep(content: $0, interruptible: interruptible, voice: voice, next: next)) }
        case "gather": stepKind = decodeGather(kindPair.value, options, name: name, edges: &edges).map { .gather($0) }
        case "agent": stepKind = decodeAgent(kindPair.value, options, name: name, tools: tools, edges: &edges).map { .agent($0) }
        case "set": stepKind = decodeSet(kindPair.value, options, edges: &edges).map { .set($0) }
        case "switch": stepKind = decodeSwitch(kindPair.value, options, edges: &edges).map { .switch($0) }
        case "goto": stepKind = edges.ref(kindPair.value, "`goto`", &self).map { .goto($0) }
        case "tool": stepKind = decodeToolStep(kindPair.value, options, name: name, tools: tools, edges: &edges).map { .tool($0) }
        case "transfer": stepKind = decodeTransfer(kindPair.value, options, name: name, edges: &edges).map { .transfer($0) }
        case "hangup": stepKind = decodeHangup(kindPair.value, options).map { .hangup($0) }
        case "send_dtmf": stepKind = decodeSendDTMF(kindPair.value, options, edges: &edges).map { .sendDTMF($0) }
        default: stepKind = decodeRecord(kindPair.value, options, edges: &edges).map { .record($0) }
        }
        guard let stepKind, diagnostics.count == before else { return nil }
        return Step(name: name, kind: stepKind, position: position(keyNode))
    }

    /// A prompt: text (template) or `{audio: file}`.
    mutating func prompt(_ node: Node, _ what: String) -> PromptContent? {
        if case .mapping = node {
            guard let pairs = mapping(node, what, allowed: ["audio", "say"]), let pair = pairs.first else { return nil }
            if pair.key == "audio" { return string(pair.value, "`audio`").map { .audio($0) } }
            return template(pair.value, "`say`").map { .text($0) }
        }
        return template(node, what).map { .text($0) }
    }

    mutating func storeName(_ node: Node?) -> String? {
        guard let node, let name = string(node, "`store`") else { return nil }
        let bare = name.hasPrefix("vars.") ? String(name.dropFirst(5)) : name
        guard VariablePath.isIdentifier(Substring(bare)) else {
            error(node, "`store` names a variable (letters, digits, `_`), found `\(name)`")
            return nil
        }
        index.varDefs.insert(bare)
        return bare
    }
}

/// Collects a step's outgoing references (validated against the step table later).
struct StepEdges {
    let from: String

    func ref(_ node: Node?, _ what: String, _ decoder: inout FlowDecoder) -> String? {
        guard let node else { return nil }
        return decoder.stepRef(node, what, from: from)
    }
}
