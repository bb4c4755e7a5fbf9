/// A condition or value in the safe expression language (no code execution):
/// literals, variable paths, `== != < <= > >=`, `and or not`, `in [..]`, `matches "regex"`,
/// `+ -` on numbers, and the functions `business_hours("name")` / `open("name")`.
public import SwitchboardCore

public indirect enum FlowExpression: Sendable, Equatable {
    case literal(JSONValue)
    case path(VariablePath, offset: Int)
    case list([FlowExpression])
    case not(FlowExpression)
    case and(FlowExpression, FlowExpression)
    case or(FlowExpression, FlowExpression)
    case compare(ComparisonOperator, FlowExpression, FlowExpression)
    case arithmetic(ArithmeticOperator, FlowExpression, FlowExpression)
    case isIn(FlowExpression, FlowExpression)
    case matches(FlowExpression, BoundedRegex)
    case call(FlowFunction, offset: Int)

    public enum ComparisonOperator: String, Sendable, Equatable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    public enum ArithmeticOperator: String, Sendable, Equatable {
        case plus = "+", minus = "-"
    }

    /// Every variable path the expression reads, with offsets.
    public var paths: [(VariablePath, Int)] {
        switch self {
        case .literal, .call: return []
        case .path(let path, let offset): return [(path, offset)]
        case .list(let items): return items.flatMap(\.paths)
        case .not(let inner): return inner.paths
        case .matches(let inner, _): return inner.paths
        case .and(let lhs, let rhs), .or(let lhs, let rhs), .compare(_, let lhs, let rhs),
            .arithmetic(_, let lhs, let rhs), .isIn(let lhs, let rhs):
            return lhs.paths + rhs.paths
        }
    }

    /// Every function call, with offsets (the validator checks hours names).
    public var calls: [(FlowFunction, Int)] {
        switch self {
        case .literal, .path: return []
        case .call(let function, let offset): return [(function, offset)]
        case .list(let items): return items.flatMap(\.calls)
        case .not(let inner), .matches(let inner, _): return inner.calls
        case .and(let lhs, let rhs), .or(let lhs, let rhs), .compare(_, let lhs, let rhs),
            .arithmetic(_, let lhs, let rhs), .isIn(let lhs, let rhs):
            return lhs.calls + rhs.calls
        }
    }
}

/// The built-in functions.
public enum FlowFunction: Sendable, Equatable {
    /// `business_hours("office")` or `open("office")`: true inside those hours; `nil` name = the only table.
    case businessHours(String?)
}
