import Foundation
public import SwitchboardCore

extension JSONSchemaValidator {
    /// Problems with a tool's `parameters` schema itself, for `flows check`: pointers point into the schema.
    /// A tool's parameters must be an object schema (`"type": "object"`), as the chat completions API expects.
    public func checkToolParameters(_ schema: JSONValue) -> [SchemaViolation] {
        var problems = checkSchema(schema)
        if problems.isEmpty, Self.types(schema["type"]) != ["object"] {
            problems.append(SchemaViolation(pointer: "/type", message: "tool parameters must be of type \"object\""))
        }
        return problems
    }

    /// Problems with `schema` as a schema of the supported subset. Empty means it can be used.
    public func checkSchema(_ schema: JSONValue) -> [SchemaViolation] {
        var problems: [SchemaViolation] = []
        check(schema, pointer: "", depth: 0, into: &problems)
        return problems
    }

    private func check(_ schema: JSONValue, pointer: String, depth: Int, into out: inout [SchemaViolation]) {
        func problem(_ keyword: String, _ message: String) {
            out.append(SchemaViolation(pointer: pointer + "/" + Self.escape(keyword), message: message))
        }
        guard depth <= maxDepth else {
            out.append(SchemaViolation(pointer: pointer, message: "schema nested deeper than \(maxDepth) levels"))
            return
        }
        guard case .object(let keywords) = schema else {
            if case .bool = schema { return }
            out.append(SchemaViolation(pointer: pointer, message: "a schema must be an object"))
            return
        }
        for keyword in keywords.keys.sorted() where !Self.knownKeywords.contains(keyword) {
            problem(keyword, "unsupported schema keyword \"\(keyword)\"")
        }
        if let type = keywords["type"] {
            switch type {
            case .string(let name) where Self.typeNames.contains(name): break
            case .array(let names)
            where !names.isEmpty && names.allSatisfy({ Self.typeNames.contains($0.stringValue ?? "") }): break
            default:
                let allowed = Self.typeNames.sorted().joined(separator: ", ")
                problem("type", "type must be one of \(allowed), or a list of them")
            }
        }
        if let properties = keywords["properties"] {
            if case .object(let members) = properties {
                for name in members.keys.sorted() {
                    check(
                        members[name, default: .null],
                        pointer: pointer + "/properties/" + Self.escape(name), depth: depth + 1, into: &out)
                }
            } else {
                problem("properties", "properties must be an object of schemas")
            }
        }
        if let required = keywords["required"] {
            if let names = required.arrayValue, names.allSatisfy({ $0.stringValue != nil }) {
                let declared = keywords["properties"]?.objectValue ?? [:]
                for name in names.compactMap(\.stringValue) where declared[name] == nil {
                    problem("required", "required property \"\(name)\" is not declared in properties")
                }
            } else {
                problem("required", "required must be a list of property names")
            }
        }
        if let options = keywords["enum"], (options.arrayValue ?? []).isEmpty {
            problem("enum", "enum must be a non-empty list")
        }
        if let pattern = keywords["pattern"] {
            if let text = pattern.stringValue {
                if let why = BoundedPattern.problem(in: text, maxLength: maxPatternLength) {
                    problem("pattern", "pattern \(why)")
                }
            } else {
                problem("pattern", "pattern must be a string")
            }
        }
        for keyword in ["minLength", "maxLength", "minItems", "maxItems"] {
            if let bound = keywords[keyword], !(bound.schemaTypeName == "integer" && (bound.doubleValue ?? -1) >= 0) {
                problem(keyword, "\(keyword) must be a non-negative integer")
            }
        }
        for keyword in ["minimum", "maximum"] {
            if let bound = keywords[keyword], bound.doubleValue == nil {
                problem(keyword, "\(keyword) must be a number")
            }
        }
        checkOrder(keywords, "minLength", "maxLength", problem)
        checkOrder(keywords, "minItems", "maxItems", problem)
        checkOrder(keywords, "minimum", "maximum", problem)
        if let items = keywords["items"] {
            check(items, pointer: pointer + "/items", depth: depth + 1, into: &out)
        }
        if let additional = keywords["additionalProperties"] {
            check(additional, pointer: pointer + "/additionalProperties", depth: depth + 1, into: &out)
        }
    }

    private func checkOrder(
        _ keywords: [String: JSONValue], _ lower: String, _ upper: String, _ problem: (String, String) -> Void
    ) {
        if let low = keywords[lower]?.doubleValue, let high = keywords[upper]?.doubleValue, low > high {
            problem(lower, "\(lower) is greater than \(upper)")
        }
    }
}
