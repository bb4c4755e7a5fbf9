// Server: reads a configuration file's node tree against a table of keys (`ConfigurationKey`), collecting every
// problem — unknown key (with "did you mean"), wrong type, out-of-range or unknown value — as
// `file:line:column: message`, the way flow files are checked (Flows' `YAMLSource` and `didYouMean`).
public import Flows
public import Yams

/// The decoding state: the file's name and the problems found so far.
public struct ConfigurationReader {
    public let file: String
    public private(set) var diagnostics: [FlowDiagnostic] = []

    public init(file: String) {
        self.file = file
    }

    public mutating func error(_ node: Node, _ message: String) {
        diagnostics.append(FlowDiagnostic(file: file, position: YAMLSource.position(node), message: message))
    }

    /// Reads the mapping `node` into `root`: each key through its entry in `keys`; unknown keys are errors.
    /// An empty value (`sip:` with nothing under it) keeps every default.
    public mutating func read<Root>(_ node: Node, into root: inout Root, keys: [ConfigurationKey<Root>], what: String) {
        if Self.isNull(node) { return }
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping, found \(YAMLSource.typeName(node))")
            return
        }
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(keyNode, "keys in \(what) must be plain names")
                continue
            }
            let name = scalar.string
            guard let key = keys.first(where: { $0.name == name }) else {
                let place = what == Self.topLevel ? "at the top level" : "in \(what)"
                error(keyNode, "unknown key `\(name)` \(place)\(didYouMean(name, among: keys.map(\.name)))")
                continue
            }
            key.read(&self, value, what == Self.topLevel ? name : "\(what).\(name)", &root)
        }
    }

    /// How the top-level mapping is named in messages.
    static let topLevel = "the configuration"

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    public mutating func text(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(node, "\(what) must be text, found \(YAMLSource.typeName(node))")
            return nil
        }
        return scalar.string
    }

    public mutating func int(_ node: Node, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
            let value = Int(scalar.string)
        else {
            error(node, "\(what) must be a whole number, found \(Self.shown(node))")
            return nil
        }
        guard range.contains(value) else {
            error(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
            return nil
        }
        return value
    }

    public mutating func number(_ node: Node, _ what: String, range: ClosedRange<Double>) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
            let value = Double(scalar.string), value.isFinite
        else {
            error(node, "\(what) must be a number, found \(Self.shown(node))")
            return nil
        }
        guard range.contains(value) else {
            error(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
            return nil
        }
        return value
    }

    public mutating func bool(_ node: Node, _ what: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any {
            switch scalar.string {
            case "true", "True", "TRUE", "yes": return true
            case "false", "False", "FALSE", "no": return false
            default: break
            }
        }
        error(node, "\(what) must be true or false, found \(Self.shown(node))")
        return nil
    }

    /// A list of texts; a single text is not accepted (it is usually a forgotten `[...]`).
    public mutating func texts(_ node: Node, _ what: String) -> [String]? {
        guard case .sequence(let sequence) = node else {
            error(node, "\(what) must be a list, found \(YAMLSource.typeName(node))")
            return nil
        }
        var values: [String] = []
        var ok = true
        for item in sequence {
            if let value = text(item, "each entry of \(what)") { values.append(value) } else { ok = false }
        }
        return ok ? values : nil
    }

    /// A mapping of names to texts.
    public mutating func textMap(_ node: Node, _ what: String) -> [String: String]? {
        if Self.isNull(node) { return [:] }
        guard case .mapping(let mapping) = node else {
            error(node, "\(what) must be a mapping, found \(YAMLSource.typeName(node))")
            return nil
        }
        var values: [String: String] = [:]
        var ok = true
        for (keyNode, value) in mapping {
            guard let name = text(keyNode, "each key of \(what)"), let item = text(value, "\(what).\(name)") else {
                ok = false
                continue
            }
            values[name] = item
        }
        return ok ? values : nil
    }

    /// One of `allowed`, or an error naming them (with "did you mean").
    public mutating func choice(_ node: Node, _ what: String, among allowed: [String]) -> String? {
        guard let value = text(node, what) else { return nil }
        guard allowed.contains(value) else {
            let hint = didYouMean(value, among: allowed)
            error(node, "\(what): unknown value `\(value)`\(hint.isEmpty ? "" : hint) (use \(allowed.joined(separator: ", ")))")
            return nil
        }
        return value
    }

    /// A node as quoted in "found X" messages.
    static func shown(_ node: Node) -> String {
        guard case .scalar(let scalar) = node else { return YAMLSource.typeName(node) }
        return "`\(scalar.string.prefix(40))`"
    }
}
