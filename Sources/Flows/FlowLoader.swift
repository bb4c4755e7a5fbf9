public import Foundation
import Yams

/// Loads flow files: bytes → checked YAML tree → `Flow`, collecting every problem with its position.
/// Never calls `Yams.load` (it can trap on hostile input); uses the composer, keeps anchors/aliases out,
/// and caps size and nesting before building anything.
public enum FlowLoader {
    /// Loads and validates one flow file. Never throws or traps; problems are in `diagnostics`.
    public static func load(data: Data, file: String) -> FlowLoadResult {
        var diagnostics: [FlowDiagnostic] = []
        func fail(_ line: Int, _ column: Int, _ message: String) -> FlowLoadResult {
            diagnostics.append(FlowDiagnostic(file: file, position: SourcePosition(line: line, column: column), message: message))
            return FlowLoadResult(flow: nil, diagnostics: diagnostics)
        }
        guard data.count <= FlowLimits.maxFileBytes else {
            return fail(1, 1, "file is \(data.count) bytes; flow files are limited to \(FlowLimits.maxFileBytes) bytes (1 MiB)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let (line, column) = firstInvalidUTF8(data)
            return fail(line, column, "file is not valid UTF-8")
        }
        if let offset = text.unicodeScalars.firstIndex(of: "\u{0}") {
            let (line, column) = lineColumn(of: offset, in: text)
            return fail(line, column, "file contains a NUL character")
        }
        let root: Node
        do {
            let parser = try Parser(yaml: text)
            guard let node = try parser.singleRoot() else {
                return fail(1, 1, "file is empty: a flow needs at least `name`, `start` and `steps`")
            }
            // Anchors are weak references owned by the parser: check them while it is alive.
            let problem = withExtendedLifetime(parser) { shapeProblem(node, depth: 1) }
            if let (mark, message) = problem {
                return fail(mark?.line ?? 1, mark?.column ?? 1, message)
            }
            root = node
        } catch let error as YamlError {
            let (position, message) = describe(error)
            return fail(position.line, position.column, message)
        } catch {
            return fail(1, 1, "YAML error: \(error)")
        }
        var decoder = FlowDecoder(file: file, source: text)
        let flow = decoder.decodeFlow(root)
        if let flow { FlowValidator.validate(flow, index: decoder.index, into: &decoder) }
        diagnostics = decoder.diagnostics.sorted {
            ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column)
        }
        return FlowLoadResult(flow: diagnostics.isEmpty ? flow : nil, diagnostics: diagnostics)
    }

    /// Loads a flow or throws `FlowValidationError` with every problem.
    public static func loadValid(data: Data, file: String) throws -> Flow {
        let result = load(data: data, file: file)
        guard let flow = result.flow else { throw FlowValidationError(diagnostics: result.diagnostics) }
        return flow
    }

    /// Rejects anchors/aliases (YAML bombs) and nesting deeper than the limit.
    private static func shapeProblem(_ node: Node, depth: Int) -> (Mark?, String)? {
        if depth > FlowLimits.maxNestingDepth {
            return (node.mark, "nesting deeper than \(FlowLimits.maxNestingDepth) levels")
        }
        switch node {
        case .alias(let alias):
            return (alias.mark, "YAML aliases (`*\(alias.anchor.rawValue)`) are not allowed in flow files")
        case .scalar(let scalar):
            if let anchor = scalar.anchor { return (scalar.mark, anchorMessage(anchor)) }
        case .sequence(let sequence):
            if let anchor = sequence.anchor { return (sequence.mark, anchorMessage(anchor)) }
            for child in sequence {
                if let problem = shapeProblem(child, depth: depth + 1) { return problem }
            }
        case .mapping(let mapping):
            if let anchor = mapping.anchor { return (mapping.mark, anchorMessage(anchor)) }
            for (key, value) in mapping {
                if let problem = shapeProblem(key, depth: depth + 1) { return problem }
                if let problem = shapeProblem(value, depth: depth + 1) { return problem }
            }
        }
        return nil
    }

    private static func anchorMessage(_ anchor: Anchor) -> String {
        "YAML anchors and aliases (`&\(anchor.rawValue)`) are not allowed in flow files"
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
