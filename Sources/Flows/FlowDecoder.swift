import Yams
import SwitchboardCore

/// References collected while decoding, checked by `FlowValidator` once every step is known.
struct FlowIndex {
    struct Reference {
        var name: String
        var position: SourcePosition
        /// The step holding the reference; `nil` for flow-level ones (`start`, `on_error`, ...).
        var from: String?
    }
    var stepRefs: [Reference] = []
    var toolRefs: [Reference] = []
    var routeRefs: [Reference] = []
    var hoursRefs: [(name: String?, position: SourcePosition)] = []
    var varRefs: [(path: VariablePath, position: SourcePosition)] = []
    /// Variables assigned anywhere (`vars:`, `set`, `store`), plus those the interpreter sets.
    var varDefs: Set<String> = ["last_input", "exit_args", "error", "recording"]
    var stepOrder: [String] = []
    /// Every name under `tools:`, including tools whose declaration has problems (no cascaded errors).
    var declaredTools: [String] = []
    var rootPosition = SourcePosition(line: 1, column: 1)
}

/// Turns a YAML node tree into a `Flow`, recording every problem (type, unknown key, template, expression).
struct FlowDecoder {
    let file: String
    let sourceLines: [Substring]
    var diagnostics: [FlowDiagnostic] = []
    var index = FlowIndex()
    var defaults = FlowDefaults(voice: nil, model: nil, language: nil, tts: "espeak", timezone: "UTC", timeouts: FlowTimeouts())
    /// Route names (for the default `transfer_call` schema's `enum`).
    var routeNames: [String] = []

    init(file: String, source: String) {
        self.file = file
        self.sourceLines = source.split(separator: "\n", omittingEmptySubsequences: false)
    }

    func position(_ node: Node) -> SourcePosition {
        guard let mark = node.mark else { return SourcePosition(line: 1, column: 1) }
        return SourcePosition(line: mark.line, column: mark.column)
    }

    mutating func error(_ position: SourcePosition, _ message: String) {
        diagnostics.append(FlowDiagnostic(file: file, position: position, message: message))
    }

    mutating func error(_ node: Node, _ message: String) {
        error(position(node), message)
    }

    static func typeName(_ node: Node) -> String {
        switch node {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The pairs of a mapping with string keys, or an error. Unknown keys are reported with "did you mean".
    mutating func mapping(_ node: Node, _ what: String, allowed: [String]? = nil) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping, found \(Self.typeName(node))")
            return nil
        }
        var pairs: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(keyNode, "keys in \(what) must be plain names")
                continue
            }
            let key = scalar.string
            if let allowed, !allowed.contains(key) {
                error(keyNode, "unknown key `\(key)` in \(what)\(didYouMean(key, among: allowed))")
                continue
            }
            pairs.append((key, keyNode, value))
        }
        return pairs
    }

    mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(node, "\(what) must be a list, found \(Self.typeName(node))")
            return nil
        }
        return Array(sequence)
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(node, "\(what) must be text, found \(Self.typeName(node))")
            return nil
        }
        return scalar.string
    }

    mutating func int(_ node: Node, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any, let value = Int(scalar.string) else {
            error(node, "\(what) must be a whole number")
            return nil
        }
        guard range.contains(value) else {
            error(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any {
            switch scalar.string {
            case "true", "True", "TRUE", "yes": return true
            case "false", "False", "FALSE", "no": return false
            default: break
            }
        }
        error(node, "\(what) must be true or false")
        return nil
    }

    mutating func character(_ node: Node, _ what: String, allowed: String) -> Character? {
        guard let text = string(node, what) else { return nil }
        guard text.count == 1, let char = text.first, allowed.contains(char) else {
            error(node, "\(what) must be one of \(allowed.map { String($0) }.joined(separator: " ")), found `\(text)`")
            return nil
        }
        return char
    }

    /// Converts any node to JSON (plain scalars are typed as in YAML 1.2 core: null, bool, numbers).
    mutating func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
            let text = scalar.string
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            if let number = Int(text) { return .number(Double(number)) }
            if let number = Double(text), number.isFinite, text.first != "." || text.count > 1 { return .number(number) }
            return .string(text)
        case .sequence(let sequence):
            return .array(sequence.map { json($0) })
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let scalar) = key else {
                    error(key, "keys must be plain names")
                    continue
                }
                members[scalar.string] = json(value)
            }
            return .object(members)
        case .alias:
            return .null
        }
    }

    /// Position of scalar offset `offset` (Unicode scalars) inside `node`'s text.
    func position(in node: Node, offset: Int) -> SourcePosition {
        let base = position(node)
        guard case .scalar(let scalar) = node else { return base }
        let prefix = scalar.string.unicodeScalars.prefix(offset)
        let newlines = prefix.filter { $0 == "\n" }.count
        let column = prefix.count - (prefix.lastIndex(of: "\n").map { prefix.distance(from: prefix.startIndex, to: $0) + 1 } ?? 0)
        switch scalar.style {
        case .literal, .folded:
            let line = base.line + 1 + newlines
            let indent = line - 1 < sourceLines.count ? sourceLines[line - 1].prefix { $0 == " " }.count : 0
            return SourcePosition(line: line, column: indent + 1 + column)
        case .singleQuoted, .doubleQuoted:
            return newlines == 0
                ? SourcePosition(line: base.line, column: base.column + 1 + column)
                : SourcePosition(line: base.line + newlines, column: column + 1)
        default:
            return newlines == 0
                ? SourcePosition(line: base.line, column: base.column + column)
                : SourcePosition(line: base.line + newlines, column: column + 1)
        }
    }

    /// Parses a template and records its variable references.
    mutating func template(_ node: Node, _ what: String) -> Template? {
        guard let text = string(node, what) else { return nil }
        let (template, errors) = Template.parse(text)
        for problem in errors {
            error(position(in: node, offset: problem.offset), problem.message)
        }
        for (path, offset) in template.paths {
            index.varRefs.append((path, position(in: node, offset: offset)))
        }
        return errors.isEmpty ? template : nil
    }

    /// Parses an expression and records its references.
    mutating func expression(_ node: Node, _ what: String) -> FlowExpression? {
        guard let text = string(node, what) else { return nil }
        switch ExpressionParser.parse(text) {
        case .failure(let problem):
            error(position(in: node, offset: problem.offset), "bad expression: \(problem.message)")
            return nil
        case .success(let expression):
            for (path, offset) in expression.paths {
                index.varRefs.append((path, position(in: node, offset: offset)))
            }
            for (function, offset) in expression.calls {
                if case .businessHours(let name) = function {
                    index.hoursRefs.append((name, position(in: node, offset: offset)))
                }
            }
            return expression
        }
    }

    /// Records a reference to a step (checked later) and returns its name.
    mutating func stepRef(_ node: Node, _ what: String, from step: String?) -> String? {
        guard let target = string(node, what) else { return nil }
        index.stepRefs.append(FlowIndex.Reference(name: target, position: position(node), from: step))
        return target
    }
}
