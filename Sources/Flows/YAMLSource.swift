// Flows: the safe front half of reading a YAML file for checking — size cap, UTF-8, no NUL, the composer (never
// `Yams.load`, which can trap on hostile input), no anchors or aliases, bounded nesting — shared by the flow loader
// and the server's configuration loader, so both report problems the same way (`file:line:column: message`).
public import Foundation
public import Yams

/// A YAML file read up to its node tree, every node carrying its line and column.
public enum YAMLSource {
    /// What a file may be before it is parsed, and how the file kind is named in messages.
    public struct Limits: Sendable {
        public var maxBytes: Int
        public var maxDepth: Int
        /// e.g. "flow files", "configuration files".
        public var kind: String
        /// The message for a file with no document in it.
        public var emptyMessage: String

        public init(maxBytes: Int, maxDepth: Int, kind: String, emptyMessage: String) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.kind = kind
            self.emptyMessage = emptyMessage
        }
    }

    /// A composed document: its root node and its text (for positions inside block scalars).
    public struct Document {
        public var root: Node
        public var text: String
    }

    /// Reads `data` into a node tree, or the one problem that stopped reading. Never throws or traps.
    public static func compose(data: Data, file: String, limits: Limits) -> Result<Document, FlowDiagnostic> {
        func fail(_ line: Int, _ column: Int, _ message: String) -> Result<Document, FlowDiagnostic> {
            .failure(FlowDiagnostic(file: file, position: SourcePosition(line: line, column: column), message: message))
        }
        guard data.count <= limits.maxBytes else {
            let mib = limits.maxBytes % (1 << 20) == 0 ? " (\(limits.maxBytes >> 20) MiB)" : ""
            return fail(1, 1, "file is \(data.count) bytes; \(limits.kind) are limited to \(limits.maxBytes) bytes\(mib)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let (line, column) = firstInvalidUTF8(data)
            return fail(line, column, "file is not valid UTF-8")
        }
        if let offset = text.unicodeScalars.firstIndex(of: "\u{0}") {
            let (line, column) = lineColumn(of: offset, in: text)
            return fail(line, column, "file contains a NUL character")
        }
        do {
            let parser = try Parser(yaml: text)
            guard let node = try parser.singleRoot() else { return fail(1, 1, limits.emptyMessage) }
            // Anchors are weak references owned by the parser: check them while it is alive.
            let problem = withExtendedLifetime(parser) { shapeProblem(node, depth: 1, limits: limits) }
            if let (mark, message) = problem {
                return fail(mark?.line ?? 1, mark?.column ?? 1, message)
            }
            return .success(Document(root: node, text: text))
        } catch let error as YamlError {
            let (position, message) = describe(error)
            return fail(position.line, position.column, message)
        } catch {
            return fail(1, 1, "YAML error: \(error)")
        }
    }

    /// The position of `node` (1:1 when the composer gave it none).
    public static func position(_ node: Node) -> SourcePosition {
        guard let mark = node.mark else { return SourcePosition(line: 1, column: 1) }
        return SourcePosition(line: mark.line, column: mark.column)
    }

    /// "a scalar", "a mapping", "a list": what a node is, for "must be X, found Y" messages.
    public static func typeName(_ node: Node) -> String {
        switch node {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Rejects anchors/aliases (YAML bombs) and nesting deeper than the limit.
    private static func shapeProblem(_ node: Node, depth: Int, limits: Limits) -> (Mark?, String)? {
        if depth > limits.maxDepth {
            return (node.mark, "nesting deeper than \(limits.maxDepth) levels")
        }
        func anchorMessage(_ anchor: Anchor) -> String {
            "YAML anchors and aliases (`&\(anchor.rawValue)`) are not allowed in \(limits.kind)"
        }
        switch node {
        case .alias(let alias):
            return (alias.mark, "YAML aliases (`*\(alias.anchor.rawValue)`) are not allowed in \(limits.kind)")
        case .scalar(let scalar):
            if let anchor = scalar.anchor { return (scalar.mark, anchorMessage(anchor)) }
        case .sequence(let sequence):
            if let anchor = sequence.anchor { return (sequence.mark, anchorMessage(anchor)) }
            for child in sequence {
                if let problem = shapeProblem(child, depth: depth + 1, limits: limits) { return problem }
            }
        case .mapping(let mapping):
            if let anchor = mapping.anchor { return (mapping.mark, anchorMessage(anchor)) }
            for (key, value) in mapping {
                if let problem = shapeProblem(key, depth: depth + 1, limits: limits) { return problem }
                if let problem = shapeProblem(value, depth: depth + 1, limits: limits) { return problem }
            }
        }
        return nil
    }

    private static func describe(_ error: YamlError) -> (SourcePosition, String) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let suffix = context.map { " (\($0.text) at \($0.mark.line):\($0.mark.column))" } ?? ""
            return (SourcePosition(line: mark.line, column: mark.column), "YAML syntax error: \(problem)\(suffix)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return (SourcePosition(line: context.mark.line, column: context.mark.column), "duplicate key \(keys) in mapping")
        case .reader(let problem, _, _, _):
            return (SourcePosition(line: 1, column: 1), "cannot read file: \(problem)")
        default:
            return (SourcePosition(line: 1, column: 1), "YAML error: \(error)")
        }
    }

    static func lineColumn(of index: String.UnicodeScalarView.Index, in text: String) -> (Int, Int) {
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars[..<index] {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }

    private static func firstInvalidUTF8(_ data: Data) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        let bytes = [UInt8](data)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >> 5 == 0b110 ? 2 : byte >> 4 == 0b1110 ? 3 : byte >> 3 == 0b11110 ? 4 : 0
            let end = index + length
            guard length > 0, end <= bytes.count,
                String(validating: bytes[index..<end], as: UTF8.self) != nil
            else {
                let prefix = String(decoding: bytes[lineStart..<index], as: UTF8.self)
                return (line, prefix.unicodeScalars.count + 1)
            }
            if byte == 0x0A {
                line += 1
                lineStart = end
            }
            index = end
        }
        return (line, 1)
    }
}
