// SwitchboardCore: JSONValue as text — one writer (compact, keys sorted, so equal values give equal text),
// the text spliced into flow templates, and one reader with a nesting bound.
public import Foundation

extension JSONValue {
    /// Why a text could not be read as JSON.
    public struct ParseError: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Parses one JSON document (UTF-8). Fragments (`"x"`, `3`) are accepted; nesting deeper than
    /// `maxDepth` is refused before it can exhaust the stack.
    public static func parse(_ text: String, maxDepth: Int = 64) throws(ParseError) -> JSONValue {
        try parse(Data(text.utf8), maxDepth: maxDepth)
    }

    public static func parse(_ data: Data, maxDepth: Int = 64) throws(ParseError) -> JSONValue {
        guard depthBound(data) <= maxDepth else {
            throw ParseError(description: "nesting deeper than \(maxDepth) levels")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ParseError(description: "not valid JSON")
        }
    }

    /// An upper bound of the bracket nesting depth, counted outside strings.
    private static func depthBound(_ data: Data) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    /// Compact JSON text with sorted keys; non-finite numbers are written as `null`.
    public var jsonText: String {
        var output = ""
        write(to: &output)
        return output
    }

    /// Text used when the value is spliced into a template (`{{vars.x}}`): strings bare, null empty.
    public var templateText: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .number(let value): Self.numberText(value)
        case .string(let value): value
        case .array, .object: jsonText
        }
    }

    /// A number's text: whole numbers below 1e15 without a fraction, others as Swift prints a Double.
    public static func numberText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private func write(to output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value): output += Self.numberText(value)
        case .string(let value): Self.writeString(value, to: &output)
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                Self.writeString(key, to: &output)
                output += ":"
                members[key, default: .null].write(to: &output)
            }
            output += "}"
        }
    }

    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case let c where c.value < 0x20: output += String(format: "\\u%04x", c.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
