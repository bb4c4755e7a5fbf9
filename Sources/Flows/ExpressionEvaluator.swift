import Foundation
import SwitchboardCore

/// What expressions and templates can read: `caller.*`, `call.*`, `time.*`, `vars.*` and business hours.
struct EvaluationContext {
    var roots: [String: JSONValue]
    var now: Date
    var hours: [String: BusinessHours]

    func lookup(_ path: VariablePath) -> JSONValue? {
        var value = roots[path.root]
        for component in path.components {
            value = value?[component]
        }
        return value
    }

    func evaluate(_ expression: FlowExpression) -> JSONValue {
        switch expression {
        case .literal(let value): return value
        case .path(let path, _): return lookup(path) ?? .null
        case .list(let items): return .array(items.map(evaluate))
        case .not(let inner): return .bool(!evaluate(inner).isTruthy)
        case .and(let lhs, let rhs): return .bool(evaluate(lhs).isTruthy && evaluate(rhs).isTruthy)
        case .or(let lhs, let rhs): return .bool(evaluate(lhs).isTruthy || evaluate(rhs).isTruthy)
        case .compare(let op, let lhs, let rhs): return .bool(Self.compare(op, evaluate(lhs), evaluate(rhs)))
        case .arithmetic(let op, let lhs, let rhs):
            guard let a = Self.number(evaluate(lhs)), let b = Self.number(evaluate(rhs)) else { return .null }
            return .number(op == .plus ? a + b : a - b)
        case .isIn(let lhs, let rhs):
            let needle = evaluate(lhs)
            switch evaluate(rhs) {
            case .array(let items): return .bool(items.contains { Self.equal(needle, $0) })
            case .string(let haystack): return .bool(haystack.contains(needle.templateText))
            case .object(let members): return .bool(members[needle.templateText] != nil)
            default: return .bool(false)
            }
        case .matches(let lhs, let regex):
            return .bool(regex.matches(evaluate(lhs).templateText))
        case .call(.businessHours(let name), _):
            let table = name.flatMap { hours[$0] } ?? (name == nil && hours.count == 1 ? hours.values.first : nil)
            return .bool(table?.isOpen(at: now) ?? false)
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let number): return number
        case .string(let text): return Double(text.trimmingCharacters(in: .whitespaces))
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    /// Equality with number/string coercion ("1" == 1), so digits from DTMF compare naturally.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if lhs == rhs { return true }
        switch (lhs, rhs) {
        case (.number, .string), (.string, .number):
            guard let a = number(lhs), let b = number(rhs) else { return false }
            return a == b
        default: return false
        }
    }

    static func compare(_ op: FlowExpression.ComparisonOperator, _ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch op {
        case .equal: return equal(lhs, rhs)
        case .notEqual: return !equal(lhs, rhs)
        default: break
        }
        let ordering: Int
        if case .string(let a) = lhs, case .string(let b) = rhs {
            ordering = a < b ? -1 : (a == b ? 0 : 1)
        } else if let a = number(lhs), let b = number(rhs) {
            ordering = a < b ? -1 : (a == b ? 0 : 1)
        } else {
            return false
        }
        switch op {
        case .less: return ordering < 0
        case .lessOrEqual: return ordering <= 0
        case .greater: return ordering > 0
        default: return ordering >= 0
        }
    }
}
