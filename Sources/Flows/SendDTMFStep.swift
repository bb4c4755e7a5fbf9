// Flows: the `send_dtmf` step — digits Switchboard sends to the other side (an IVR it was transferred
// through, a conference PIN …): `send_dtmf: "1234#"` (a template; `w` is a 500 ms pause), then `next`.
import Yams

/// `send_dtmf`: the digits to send, then the next step.
public struct SendDTMFStep: Sendable, Equatable {
    /// `0-9 * # A-D` and `w` (pause); templates allowed (rendered when the step runs).
    public var digits: Template
    public var next: String?
}

extension FlowDecoder {
    /// Characters a `send_dtmf` text may hold outside placeholders.
    static let sendDTMFCharacters = Set("0123456789*#ABCDabcdwW")

    mutating func decodeSendDTMF(_ node: Node, _ options: [String: Node], edges: inout StepEdges) -> SendDTMFStep? {
        let next = edges.ref(options["next"], "`next`", &self)
        guard let digits = template(node, "`send_dtmf`") else { return nil }
        for segment in digits.segments {
            guard case .text(let text) = segment else { continue }
            if let bad = text.first(where: { !Self.sendDTMFCharacters.contains($0) }) {
                error(node, "`send_dtmf` may hold only 0-9, *, #, A-D and w (a 500 ms pause), found `\(bad)`")
                return nil
            }
        }
        if digits.segments.isEmpty {
            error(node, "`send_dtmf` needs at least one digit")
            return nil
        }
        return SendDTMFStep(digits: digits, next: next)
    }
}
