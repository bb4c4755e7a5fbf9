// A small JSON value used for event data, tool arguments and results in the call log. Serialized with sorted
// keys so the stored text is deterministic; parsed with Foundation's JSONDecoder.
import Foundation

public enum CallLogJSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([CallLogJSON])
    case object([String: CallLogJSON])

    /// Parses JSON text (e.g. a model's tool-call `arguments` string). Throws `CallLogError` on bad input.
    public init(parsing text: String) throws {
        do {
            self = try JSONDecoder().decode(CallLogJSON.self, from: Data(text.utf8))
        } catch {
            throw CallLogError(code: .badJSON, message: "not valid JSON (\(text.utf8.count) bytes)")
        }
    }

    /// Compact JSON text with sorted object keys.
    public var jsonText: String {
        var out = ""
        append(to: &out)
        return out
    }

    public subscript(key: String) -> CallLogJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    func append(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let value): Self.appendNumber(value, to: &out)
        case .string(let value): Self.appendString(value, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.append(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                Self.appendString(key, to: &out)
                out += ":"
                members[key]?.append(to: &out)
            }
            out += "}"
        }
    }

    private static func appendNumber(_ value: Double, to out: inout String) {
        guard value.isFinite else {
            out += "null"
            return
        }
        if value == value.rounded(), abs(value) < 9.0e15 {
            out += String(Int64(value))
        } else {
            out += "\(value)"
        }
    }

    private static func appendString(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

extension CallLogJSON: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CallLogJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: CallLogJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension CallLogJSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: CallLogJSON...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, CallLogJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
