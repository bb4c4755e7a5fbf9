// Flows: the `voice` values of a flow file (`defaults.voice` and every step's `voice`) checked against the
// voices a model provider offers, each problem at the value's `file:line:column`. A voice the provider does not
// know (e.g. an espeak name such as `en-us`) would otherwise reach the API as a 400 on the call's first turn.
public import Foundation
import Yams

public enum FlowVoiceCheck {
    /// Problems of `data` (a flow file) whose voices are not in `voices`; none when `voices` is empty (no list).
    public static func check(data: Data, file: String, voices: [String], provider: String) -> [FlowDiagnostic] {
        guard !voices.isEmpty else { return [] }
        let limits = YAMLSource.Limits(
            maxBytes: FlowLimits.maxFileBytes, maxDepth: FlowLimits.maxNestingDepth, kind: "flow files", emptyMessage: "")
        guard case .success(let document) = YAMLSource.compose(data: data, file: file, limits: limits),
            case .mapping(let root) = document.root
        else { return [] }
        var found: [FlowDiagnostic] = []
        for (key, value) in root {
            guard let name = key.string, name == "defaults" || name == "steps" else { continue }
            collect(value, depth: 0, into: &found, file: file, voices: voices, provider: provider)
        }
        return found.sorted { ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column) }
    }

    private static func collect(
        _ node: Node, depth: Int, into found: inout [FlowDiagnostic], file: String, voices: [String], provider: String
    ) {
        guard depth < 4, case .mapping(let mapping) = node else { return }
        for (key, value) in mapping {
            if key.string == "voice", case .scalar(let scalar) = value {
                let voice = scalar.string
                guard !voice.isEmpty, !voices.contains(voice) else { continue }
                found.append(FlowDiagnostic(
                    file: file, position: YAMLSource.position(value),
                    message: "voice `\(voice)` is not offered by provider \(provider) (allowed: \(voices.joined(separator: ", ")))"
                        + didYouMean(voice, among: voices)))
            } else {
                collect(value, depth: depth + 1, into: &found, file: file, voices: voices, provider: provider)
            }
        }
    }
}
