/// Recursive-descent parser of `FlowExpression` (precedence: or < and < not < comparison/in/matches < +/-).
import SwitchboardCore

struct ExpressionParser {
    enum Token: Equatable {
        case number(Double), string(String), identifier(String), symbol(String), end
    }

    private var tokens: [(Token, Int)] = []
    private var index = 0
    private var depth = 0

    /// Parses `text` or returns the first error with its offset.
    static func parse(_ text: String) -> Result<FlowExpression, SourceTextError> {
        do {
            var parser = ExpressionParser()
            parser.tokens = try tokenize(text)
            let expression = try parser.parseOr()
            if case .end = parser.current.0 {
                return .success(expression)
            }
            throw SourceTextError(offset: parser.current.1, message: "unexpected \(parser.describe(parser.current.0))")
        } catch let error as SourceTextError {
            return .failure(error)
        } catch {
            return .failure(SourceTextError(offset: 0, message: "\(error)"))
        }
    }

    private var current: (Token, Int) { tokens[min(index, tokens.count - 1)] }

    private mutating func advance() { index += 1 }

    private func describe(_ token: Token) -> String {
        switch token {
        case .number(let value): return "number \(JSONValue.numberText(value))"
        case .string(let value): return "string \"\(value)\""
        case .identifier(let name): return "`\(name)`"
        case .symbol(let symbol): return "`\(symbol)`"
        case .end: return "end of expression"
        }
    }

    private mutating func expect(_ symbol: String) throws {
        guard current.0 == .symbol(symbol) else {
            throw SourceTextError(offset: current.1, message: "expected `\(symbol)` but found \(describe(current.0))")
        }
        advance()
    }

    private mutating func parseOr() throws -> FlowExpression {
        depth += 1
        defer { depth -= 1 }
        guard depth < 50 else { throw SourceTextError(offset: current.1, message: "expression nested too deeply") }
        var lhs = try parseAnd()
        while current.0 == .identifier("or") || current.0 == .symbol("||") {
            advance()
            lhs = .or(lhs, try parseAnd())
        }
        return lhs
    }

    private mutating func parseAnd() throws -> FlowExpression {
        var lhs = try parseNot()
        while current.0 == .identifier("and") || current.0 == .symbol("&&") {
            advance()
            lhs = .and(lhs, try parseNot())
        }
        return lhs
    }

    private mutating func parseNot() throws -> FlowExpression {
        if current.0 == .identifier("not") || current.0 == .symbol("!") {
            advance()
            depth += 1
            defer { depth -= 1 }
            guard depth < 50 else { throw SourceTextError(offset: current.1, message: "expression nested too deeply") }
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> FlowExpression {
        let lhs = try parseSum()
        switch current.0 {
        case .symbol(let symbol):
            if let op = FlowExpression.ComparisonOperator(rawValue: symbol) {
                advance()
                return .compare(op, lhs, try parseSum())
            }
        case .identifier("in"):
            advance()
            return .isIn(lhs, try parseSum())
        case .identifier("not") where index + 1 < tokens.count && tokens[index + 1].0 == .identifier("in"):
            advance()
            advance()
            return .not(.isIn(lhs, try parseSum()))
        case .identifier("matches"):
            advance()
            guard case .string(let pattern) = current.0 else {
                throw SourceTextError(offset: current.1, message: "`matches` needs a quoted regular expression")
            }
            let offset = current.1
            advance()
            switch BoundedRegex.make(pattern) {
            case .success(let regex): return .matches(lhs, regex)
            case .failure(let problem): throw SourceTextError(offset: offset, message: problem.message)
            }
        default: break
        }
        return lhs
    }

    private mutating func parseSum() throws -> FlowExpression {
        var lhs = try parsePrimary()
        while case .symbol(let symbol) = current.0, let op = FlowExpression.ArithmeticOperator(rawValue: symbol) {
            advance()
            lhs = .arithmetic(op, lhs, try parsePrimary())
        }
        return lhs
    }

    private mutating func parsePrimary() throws -> FlowExpression {
        let (token, offset) = current
        switch token {
        case .number(let value):
            advance()
            return .literal(.number(value))
        case .string(let value):
            advance()
            return .literal(.string(value))
        case .symbol("("):
            advance()
            let inner = try parseOr()
            try expect(")")
            return inner
        case .symbol("["):
            advance()
            var items: [FlowExpression] = []
            if current.0 != .symbol("]") {
                items.append(try parseOr())
                while current.0 == .symbol(",") {
                    advance()
                    items.append(try parseOr())
                }
            }
            try expect("]")
            return .list(items)
        case .identifier(let name):
            advance()
            switch name {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            case "business_hours", "open": return try parseCall(name, offset: offset)
            default: break
            }
            guard let path = VariablePath.parse(Substring(name)) else {
                throw SourceTextError(offset: offset, message: "`\(name)` is not a variable path")
            }
            guard VariablePath.roots.contains(path.root) else {
                let hint = didYouMean(path.root, among: VariablePath.roots + ["business_hours", "open"])
                throw SourceTextError(offset: offset, message: "unknown name `\(path.root)`\(hint)")
            }
            return .path(path, offset: offset)
        default:
            throw SourceTextError(offset: offset, message: "expected a value but found \(describe(token))")
        }
    }

    private mutating func parseCall(_ name: String, offset: Int) throws -> FlowExpression {
        guard current.0 == .symbol("(") else {
            throw SourceTextError(offset: current.1, message: "`\(name)` is a function: write \(name)(\"hours name\")")
        }
        advance()
        var argument: String?
        if case .string(let value) = current.0 {
            argument = value
            advance()
        }
        try expect(")")
        return .call(.businessHours(argument), offset: offset)
    }
}
