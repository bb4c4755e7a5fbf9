import Foundation
public import SwitchboardCore

/// One problem found by `JSONSchemaValidator`: a JSON pointer into the value (or the schema) and a message.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    public let pointer: String
    public let message: String

    public init(pointer: String, message: String) {
        self.pointer = pointer
        self.message = message
    }

    /// `"/phone: expected string"`; the root is `"/"`.
    public var description: String { "\(pointer.isEmpty ? "/" : pointer): \(message)" }
}

/// Validates JSON values against the subset of JSON Schema that tool parameters use: `type` (one or a list of
/// object/string/number/integer/boolean/array/null), `properties`, `required`, `enum`, `const`, `pattern`
/// (bounded), `minLength`/`maxLength`, `minimum`/`maximum`, `items`, `minItems`/`maxItems` and
/// `additionalProperties` (`false` or a schema). `description`, `title`, `default`, `examples` and `format` are
/// accepted and ignored. `checkSchema` reports schemas that use anything else, for `flows check`.
public struct JSONSchemaValidator: Sendable {
    /// Longest `pattern` accepted in a schema.
    public var maxPatternLength = 256
    /// Longest string a `pattern` is run against; longer strings fail the check instead of running it.
    public var maxPatternSubjectLength = 4096
    /// Deepest schema nesting accepted.
    public var maxDepth = 32

    public init() {}

    static let typeNames: Set<String> = ["object", "string", "number", "integer", "boolean", "array", "null"]
    static let knownKeywords: Set<String> = [
        "type", "properties", "required", "enum", "const", "pattern", "minLength", "maxLength", "minimum",
        "maximum", "items", "minItems", "maxItems", "additionalProperties", "description", "title", "default",
        "examples", "format", "$schema", "strict",
    ]

    /// Every way `value` breaks `schema`, in document order. Empty means valid.
    public func validate(_ value: JSONValue, against schema: JSONValue) -> [SchemaViolation] {
        var violations: [SchemaViolation] = []
        validate(value, schema, pointer: "", depth: 0, into: &violations)
        return violations
    }

    private func validate(
        _ value: JSONValue, _ schema: JSONValue, pointer: String, depth: Int, into out: inout [SchemaViolation]
    ) {
        guard depth <= maxDepth else {
            out.append(SchemaViolation(pointer: pointer, message: "schema nested too deeply"))
            return
        }
        guard case .object(let keywords) = schema else {
            if schema == .bool(false) {
                out.append(SchemaViolation(pointer: pointer, message: "no value allowed here"))
            }
            return
        }
        if let types = Self.types(keywords["type"]), !types.contains(where: { Self.matches(value, type: $0) }) {
            let expected = types.sorted().joined(separator: " or ")
            out.append(SchemaViolation(pointer: pointer, message: "expected \(expected), got \(value.schemaTypeName)"))
            return
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(where: { Self.equal($0, value) }) {
            let list = options.map(\.jsonText).joined(separator: ", ")
            out.append(SchemaViolation(pointer: pointer, message: "must be one of \(list)"))
        }
        if let constant = keywords["const"], !Self.equal(constant, value) {
            out.append(SchemaViolation(pointer: pointer, message: "must be \(constant.jsonText)"))
        }
        switch value {
        case .string(let string):
            validateString(string, keywords, pointer: pointer, into: &out)
        case .number:
            validateNumber(value.doubleValue ?? 0, keywords, pointer: pointer, into: &out)
        case .array(let elements):
            validateArray(elements, keywords, pointer: pointer, depth: depth, into: &out)
        case .object(let members):
            validateObject(members, keywords, pointer: pointer, depth: depth, into: &out)
        case .null, .bool:
            break
        }
    }

    private func validateString(
        _ string: String, _ keywords: [String: JSONValue], pointer: String, into out: inout [SchemaViolation]
    ) {
        let length = string.count
        if let min = keywords["minLength"]?.doubleValue, Double(length) < min {
            out.append(SchemaViolation(pointer: pointer, message: "shorter than \(Int(min)) characters"))
        }
        if let max = keywords["maxLength"]?.doubleValue, Double(length) > max {
            out.append(SchemaViolation(pointer: pointer, message: "longer than \(Int(max)) characters"))
        }
        if let pattern = keywords["pattern"]?.stringValue {
            switch BoundedPattern.matches(
                pattern, string, maxPatternLength: maxPatternLength, maxSubjectLength: maxPatternSubjectLength)
            {
            case .match: break
            case .noMatch:
                out.append(SchemaViolation(pointer: pointer, message: "does not match pattern \(pattern)"))
            case .refused(let why):
                out.append(SchemaViolation(pointer: pointer, message: why))
            }
        }
    }

    private func validateNumber(
        _ number: Double, _ keywords: [String: JSONValue], pointer: String, into out: inout [SchemaViolation]
    ) {
        if let min = keywords["minimum"]?.doubleValue, number < min {
            out.append(SchemaViolation(pointer: pointer, message: "less than minimum \(JSONValue.number(min).jsonText)"))
        }
        if let max = keywords["maximum"]?.doubleValue, number > max {
            out.append(SchemaViolation(pointer: pointer, message: "greater than maximum \(JSONValue.number(max).jsonText)"))
        }
    }

    private func validateArray(
        _ elements: [JSONValue], _ keywords: [String: JSONValue], pointer: String, depth: Int,
        into out: inout [SchemaViolation]
    ) {
        if let min = keywords["minItems"]?.doubleValue, Double(elements.count) < min {
            out.append(SchemaViolation(pointer: pointer, message: "fewer than \(Int(min)) items"))
        }
        if let max = keywords["maxItems"]?.doubleValue, Double(elements.count) > max {
            out.append(SchemaViolation(pointer: pointer, message: "more than \(Int(max)) items"))
        }
        if let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                validate(element, items, pointer: pointer + "/\(index)", depth: depth + 1, into: &out)
            }
        }
    }

    private func validateObject(
        _ members: [String: JSONValue], _ keywords: [String: JSONValue], pointer: String, depth: Int,
        into out: inout [SchemaViolation]
    ) {
        let properties = keywords["properties"]?.objectValue ?? [:]
        for name in (keywords["required"]?.arrayValue ?? []).compactMap(\.stringValue) where members[name] == nil {
            out.append(SchemaViolation(pointer: pointer + "/" + Self.escape(name), message: "required property missing"))
        }
        for name in members.keys.sorted() {
            let member = members[name, default: .null]
            let childPointer = pointer + "/" + Self.escape(name)
            if let propertySchema = properties[name] {
                validate(member, propertySchema, pointer: childPointer, depth: depth + 1, into: &out)
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    out.append(SchemaViolation(pointer: childPointer, message: "unexpected property"))
                } else {
                    validate(member, additional, pointer: childPointer, depth: depth + 1, into: &out)
                }
            }
        }
    }

    // MARK: helpers

    static func types(_ keyword: JSONValue?) -> [String]? {
        switch keyword {
        case .string(let name): [name]
        case .array(let names): names.compactMap(\.stringValue)
        default: nil
        }
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch type {
        case "number": value.doubleValue != nil
        case "integer": value.schemaTypeName == "integer"
        default: value.schemaTypeName == type || (type == "object" && value.objectValue != nil)
        }
    }

    /// JSON equality where `1` and `1.0` are the same number.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue { return left == right }
        return lhs == rhs
    }

    /// RFC 6901 escaping of one pointer segment.
    static func escape(_ segment: String) -> String {
        segment.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }
}
