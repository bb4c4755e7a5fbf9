import Yams

/// Checks the subset of JSON Schema that tool parameters use (what chat-completions `tools` accept).
enum JSONSchemaCheck {
    static let types = ["object", "array", "string", "number", "integer", "boolean", "null"]
    static let keywords = [
        "type", "description", "properties", "required", "items", "enum", "const", "default", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "format", "minItems", "maxItems",
        "additionalProperties", "title", "examples", "anyOf", "oneOf", "allOf", "uniqueItems", "multipleOf",
    ]

    /// Problems with positions; the top level must be `type: object`.
    static func problems(in node: Node, decoder: FlowDecoder) -> [(SourcePosition, String)] {
        var out: [(SourcePosition, String)] = []
        guard case .mapping(let top) = node else {
            return [(decoder.position(node), "tool `parameters` must be a JSON Schema mapping with `type: object`")]
        }
        if top["type"]?.string != "object" {
            out.append((decoder.position(top["type"] ?? node), "tool `parameters` must have `type: object` at the top"))
        }
        check(node, path: "parameters", depth: 0, decoder: decoder, into: &out)
        return out
    }

    private static func check(_ node: Node, path: String, depth: Int, decoder: FlowDecoder, into out: inout [(SourcePosition, String)]) {
        guard depth < 16 else { return }
        guard case .mapping(let schema) = node else {
            out.append((decoder.position(node), "schema at `\(path)` must be a mapping"))
            return
        }
        for (keyNode, value) in schema {
            let key = keyNode.string ?? ""
            guard keywords.contains(key) else {
                out.append((decoder.position(keyNode), "unknown JSON Schema keyword `\(key)` at `\(path)`\(didYouMean(key, among: keywords))"))
                continue
            }
            switch key {
            case "type":
                let names: [Node] = value.sequence.map(Array.init) ?? [value]
                for name in names where !types.contains(name.string ?? "") {
                    let text = name.string ?? ""
                    out.append((decoder.position(name), "unknown JSON Schema type `\(text)` at `\(path)` (known: \(types.joined(separator: ", ")))\(didYouMean(text, among: types))"))
                }
            case "properties":
                guard case .mapping(let properties) = value else {
                    out.append((decoder.position(value), "`properties` at `\(path)` must be a mapping of name → schema"))
                    continue
                }
                for (name, property) in properties {
                    check(property, path: "\(path).\(name.string ?? "?")", depth: depth + 1, decoder: decoder, into: &out)
                }
            case "items":
                check(value, path: "\(path)[]", depth: depth + 1, decoder: decoder, into: &out)
            case "required":
                guard case .sequence(let names) = value else {
                    out.append((decoder.position(value), "`required` at `\(path)` must be a list of property names"))
                    continue
                }
                let properties = schema["properties"]?.mapping.map { $0.keys.compactMap(\.string) } ?? []
                for name in names where !properties.contains(name.string ?? "") {
                    out.append((decoder.position(name), "required property `\(name.string ?? "")` is not in `properties` at `\(path)`"))
                }
            case "enum":
                if case .sequence = value {} else {
                    out.append((decoder.position(value), "`enum` at `\(path)` must be a list"))
                }
            case "description", "title", "pattern", "format":
                if case .scalar = value {} else {
                    out.append((decoder.position(value), "`\(key)` at `\(path)` must be text"))
                }
            default:
                break
            }
        }
    }
}
