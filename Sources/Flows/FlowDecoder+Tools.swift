import Yams
import SwitchboardCore

extension FlowDecoder {
    /// `tools:` — name → {description, parameters, builtin | webhook}.
    mutating func decodeTools(_ node: Node) -> ([String: ToolDeclaration], [String]) {
        var tools: [String: ToolDeclaration] = [:]
        var order: [String] = []
        let keys = ["description", "parameters", "builtin", "webhook"]
        for entry in mapping(node, "`tools`") ?? [] {
            index.declaredTools.append(entry.key)
            guard let pairs = mapping(entry.value, "tool `\(entry.key)`", allowed: keys) else { continue }
            let byKey = Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            var implementation: ToolImplementation?
            switch (byKey["builtin"], byKey["webhook"]) {
            case (let builtin?, nil):
                if let name = string(builtin, "`builtin`") {
                    if let tool = BuiltinTool(rawValue: name) { implementation = .builtin(tool) } else {
                        let names = BuiltinTool.allCases.map(\.rawValue)
                        error(builtin, "unknown builtin `\(name)` (known: \(names.joined(separator: ", ")))\(didYouMean(name, among: names))")
                    }
                }
            case (nil, let webhook?):
                implementation = decodeWebhook(webhook)
            case (_?, _?):
                error(entry.keyNode, "tool `\(entry.key)` has both `builtin` and `webhook`: choose one")
            case (nil, nil):
                error(entry.keyNode, "tool `\(entry.key)` needs an implementation: `builtin: …` or `webhook: {url: …}`")
            }
            var description = ""
            if let node = byKey["description"] {
                description = string(node, "`description`") ?? ""
            } else if case .builtin(let builtin)? = implementation {
                description = builtin.defaultDescription
            } else {
                error(entry.keyNode, "tool `\(entry.key)` needs a `description` (the model reads it)")
            }
            var parameters: JSONValue
            if let node = byKey["parameters"] {
                parameters = json(node)
                for problem in JSONSchemaCheck.problems(in: node, decoder: self) { error(problem.0, problem.1) }
            } else if case .builtin(let builtin)? = implementation {
                // The same schema as Tools' standard definition (route names sorted, like its routing table).
                parameters = builtin.defaultParameters(routes: routeNames.sorted())
            } else {
                parameters = .object(["type": .string("object"), "properties": .object([:])])
            }
            guard let implementation else { continue }
            tools[entry.key] = ToolDeclaration(name: entry.key, description: description, parameters: parameters, implementation: implementation)
            order.append(entry.key)
        }
        return (tools, order)
    }

    mutating func decodeWebhook(_ node: Node) -> ToolImplementation? {
        guard let pairs = mapping(node, "`webhook`", allowed: ["url", "secret_env", "timeout_ms"]) else { return nil }
        var hook = WebhookTool(url: "", secretEnv: nil, timeoutMs: 5_000)
        var valid = true
        for (key, _, value) in pairs {
            switch key {
            case "url":
                hook.url = string(value, "`url`") ?? ""
                let lower = hook.url.lowercased()
                if !(lower.hasPrefix("http://") || lower.hasPrefix("https://")) || hook.url.count < 10 || hook.url.contains(" ") {
                    error(value, "webhook `url` must be an http:// or https:// URL")
                    valid = false
                }
            case "secret_env":
                if let name = string(value, "`secret_env`") {
                    let ok = !name.isEmpty && name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
                    if ok { hook.secretEnv = name } else {
                        error(value, "`secret_env` names an environment variable (A-Z, 0-9, _), never the secret itself")
                        valid = false
                    }
                }
            default:
                if let millis = int(value, "`timeout_ms`", range: 100...60_000) { hook.timeoutMs = millis } else { valid = false }
            }
        }
        if !pairs.contains(where: { $0.key == "url" }) {
            error(node, "webhook needs a `url`")
            valid = false
        }
        return valid ? .webhook(hook) : nil
    }
}
