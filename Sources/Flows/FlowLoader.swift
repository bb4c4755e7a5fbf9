public import Foundation
import Yams

/// Loads flow files: bytes → checked YAML tree → `Flow`, collecting every problem with its position.
/// Never calls `Yams.load` (it can trap on hostile input); uses the composer, keeps anchors/aliases out,
/// and caps size and nesting before building anything.
public enum FlowLoader {
    /// Loads and validates one flow file. Never throws or traps; problems are in `diagnostics`.
    public static func load(data: Data, file: String) -> FlowLoadResult {
        let limits = YAMLSource.Limits(
            maxBytes: FlowLimits.maxFileBytes, maxDepth: FlowLimits.maxNestingDepth, kind: "flow files",
            emptyMessage: "file is empty: a flow needs at least `name`, `start` and `steps`")
        let root: Node
        let text: String
        switch YAMLSource.compose(data: data, file: file, limits: limits) {
        case .success(let document): (root, text) = (document.root, document.text)
        case .failure(let diagnostic): return FlowLoadResult(flow: nil, diagnostics: [diagnostic])
        }
        var decoder = FlowDecoder(file: file, source: text)
        let flow = decoder.decodeFlow(root)
        if let flow { FlowValidator.validate(flow, index: decoder.index, into: &decoder) }
        let diagnostics = decoder.diagnostics.sorted {
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
}
