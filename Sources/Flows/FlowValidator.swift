/// Cross-reference checks run after decoding: steps, tools, routes, hours and variables that are referred to
/// must exist; every step must be reachable; no loop may spin without waiting for the caller.
enum FlowValidator {
    static func validate(_ flow: Flow, index: FlowIndex, into decoder: inout FlowDecoder) {
        let stepNames = index.stepOrder
        for ref in index.stepRefs where !stepNames.contains(ref.name) {
            decoder.error(ref.position, "unknown step `\(ref.name)`\(didYouMean(ref.name, among: stepNames))")
        }
        for ref in index.toolRefs where !index.declaredTools.contains(ref.name) {
            let hint = didYouMean(ref.name, among: index.declaredTools)
            decoder.error(ref.position, "tool `\(ref.name)` is not declared in `tools:`\(hint)")
        }
        for ref in index.routeRefs where flow.routes[ref.name] == nil {
            let hint = didYouMean(ref.name, among: Array(flow.routes.keys).sorted())
            decoder.error(ref.position, "unknown route `\(ref.name)` (declare it under `routes:` or write a sip: URI)\(hint)")
        }
        for (name, position) in index.hoursRefs {
            if let name {
                if flow.hours[name] == nil {
                    decoder.error(position, "unknown hours `\(name)`\(didYouMean(name, among: Array(flow.hours.keys).sorted()))")
                }
            } else if flow.hours.count != 1 {
                decoder.error(position, "business_hours() without a name needs exactly one `hours:` table; name one, e.g. business_hours(\"office\")")
            }
        }
        checkVariables(index, into: &decoder)
        checkRouteOverflows(flow, into: &decoder)
        checkReachability(flow, index: index, into: &decoder)
        checkSpins(flow, index: index, into: &decoder)
    }

    private static func checkVariables(_ index: FlowIndex, into decoder: inout FlowDecoder) {
        for (path, position) in index.varRefs {
            guard VariablePath.roots.contains(path.root) else {
                let hint = didYouMean(path.root, among: VariablePath.roots)
                decoder.error(position, "unknown variable `\(path)`: names start with caller., call., time. or vars.\(hint)")
                continue
            }
            if let fields = VariablePath.fields[path.root] {
                guard path.components.count == 1, let field = path.components.first, fields.contains(field) else {
                    let field = path.components.first ?? ""
                    let known = fields.map { "\(path.root).\($0)" }.joined(separator: ", ")
                    decoder.error(position, "unknown variable `\(path)` (known: \(known))\(didYouMean(field, among: fields))")
                    continue
                }
            } else if let name = path.components.first {
                if !index.varDefs.contains(name) {
                    let hint = didYouMean(name, among: index.varDefs.sorted())
                    decoder.error(position, "variable `vars.\(name)` is never set (declare it under `vars:` or assign it with `set`/`store`)\(hint)")
                }
            } else {
                decoder.error(position, "`vars` needs a variable name, e.g. vars.account")
            }
        }
    }

    private static func checkRouteOverflows(_ flow: Flow, into decoder: inout FlowDecoder) {
        for route in flow.routes.values.sorted(by: { $0.name < $1.name }) {
            var seen: Set<String> = [route.name]
            var current = route.overflow
            while let next = current, let nextRoute = flow.routes[next] {
                if !seen.insert(next).inserted {
                    decoder.error(decoder.index.rootPosition, "routes overflow in a circle starting at `\(route.name)`")
                    break
                }
                current = nextRoute.overflow
            }
        }
    }

    /// Outgoing step names of `step` (including handlers).
    static func successors(_ step: Step) -> [String] {
        switch step.kind {
        case .say(let say): return [say.next].compactMap { $0 }
        case .gather(let gather):
            return gather.digits.keys.sorted().compactMap { gather.digits[$0] }
                + [gather.onSpeech, gather.onNoInput, gather.onNoMatch, gather.next].compactMap { $0 }
        case .agent(let agent):
            return agent.toolExits.keys.sorted().compactMap { agent.toolExits[$0] }
                + [agent.onMaxTurns, agent.onSilence, agent.onError].compactMap { $0 }
        case .set(let set): return [set.next].compactMap { $0 }
        case .switch(let choice): return choice.cases.map(\.target) + [choice.defaultTarget].compactMap { $0 }
        case .goto(let target): return [target]
        case .tool(let tool): return [tool.next, tool.onError].compactMap { $0 }
        case .transfer(let transfer): return [transfer.onFailure].compactMap { $0 }
        case .hangup: return []
        case .record(let record): return [record.next].compactMap { $0 }
        case .sendDTMF(let send): return [send.next].compactMap { $0 }
        }
    }

    /// Steps that wait for the caller (input or a recording).
    static func waitsForCaller(_ step: Step) -> Bool {
        switch step.kind {
        case .gather, .agent, .record: return true
        default: return false
        }
    }

    private static func checkReachability(_ flow: Flow, index: FlowIndex, into decoder: inout FlowDecoder) {
        var reached: Set<String> = []
        var pending = [flow.start, flow.onError, flow.onHangup].compactMap { $0 }
        while let name = pending.popLast() {
            guard reached.insert(name).inserted, let step = flow.steps[name] else { continue }
            pending += successors(step)
        }
        // A step that failed to decode has no known successors: don't guess about reachability then.
        guard index.stepOrder.allSatisfy({ flow.steps[$0] != nil }) else { return }
        for name in index.stepOrder where !reached.contains(name) {
            if let step = flow.steps[name] {
                decoder.error(step.position, "step `\(name)` is never reached from `start`, `on_error` or `on_hangup`")
            }
        }
    }

    /// Tarjan's strongly connected components over steps that do not wait for the caller.
    private static func checkSpins(_ flow: Flow, index: FlowIndex, into decoder: inout FlowDecoder) {
        let nodes = index.stepOrder.filter { name in flow.steps[name].map { !waitsForCaller($0) } ?? false }
        let nodeSet = Set(nodes)
        var edges: [String: [String]] = [:]
        for name in nodes { edges[name] = (flow.steps[name].map(successors) ?? []).filter { nodeSet.contains($0) } }
        var indexOf: [String: Int] = [:]
        var lowLink: [String: Int] = [:]
        var onStack: Set<String> = []
        var stack: [String] = []
        var counter = 0
        var components: [[String]] = []
        // Iterative Tarjan (no recursion on user-controlled graphs).
        for root in nodes where indexOf[root] == nil {
            var work: [(String, Int)] = [(root, 0)]
            while let (node, childIndex) = work.popLast() {
                if childIndex == 0 {
                    indexOf[node] = counter
                    lowLink[node] = counter
                    counter += 1
                    stack.append(node)
                    onStack.insert(node)
                }
                let children = edges[node] ?? []
                if childIndex < children.count {
                    work.append((node, childIndex + 1))
                    let child = children[childIndex]
                    if indexOf[child] == nil {
                        work.append((child, 0))
                    } else if onStack.contains(child) {
                        lowLink[node] = min(lowLink[node] ?? 0, indexOf[child] ?? 0)
                    }
                    continue
                }
                if let parent = work.last?.0 {
                    lowLink[parent] = min(lowLink[parent] ?? 0, lowLink[node] ?? 0)
                }
                if lowLink[node] == indexOf[node] {
                    var component: [String] = []
                    while let top = stack.popLast() {
                        onStack.remove(top)
                        component.append(top)
                        if top == node { break }
                    }
                    components.append(component)
                }
            }
        }
        for component in components {
            let isCycle = component.count > 1 || (edges[component[0]] ?? []).contains(component[0])
            guard isCycle else { continue }
            let ordered = index.stepOrder.filter { component.contains($0) }
            guard let first = ordered.first, let step = flow.steps[first] else { continue }
            let path = (ordered + [first]).map { "`\($0)`" }.joined(separator: " → ")
            decoder.error(step.position, "steps \(path) loop without waiting for the caller: add a gather, agent or record step to the loop")
        }
    }
}
