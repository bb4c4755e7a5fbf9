import Foundation

/// A regular expression for `matches`, checked so it cannot take exponential time: at most
/// `FlowLimits.maxRegexLength` characters, no back-references, no quantified group that itself contains
/// a quantifier (`(a+)+`). Subjects longer than `FlowLimits.maxRegexSubject` are cut before matching.
public struct BoundedRegex: Sendable, Equatable {
    public let pattern: String

    static func make(_ pattern: String) -> Result<BoundedRegex, SourceTextError> {
        guard pattern.unicodeScalars.count <= FlowLimits.maxRegexLength else {
            return .failure(SourceTextError(offset: 0, message: "regular expression longer than \(FlowLimits.maxRegexLength) characters"))
        }
        if let problem = riskyShape(pattern) { return .failure(SourceTextError(offset: 0, message: problem)) }
        do {
            _ = try NSRegularExpression(pattern: pattern)
        } catch {
            return .failure(SourceTextError(offset: 0, message: "invalid regular expression \"\(pattern)\""))
        }
        return .success(BoundedRegex(pattern: pattern))
    }

    private init(pattern: String) {
        self.pattern = pattern
    }

    /// Whether `subject` (cut to the limit) contains a match.
    public func matches(_ subject: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        let cut = String(subject.prefix(FlowLimits.maxRegexSubject))
        let range = NSRange(cut.startIndex..<cut.endIndex, in: cut)
        return regex.firstMatch(in: cut, range: range) != nil
    }

    /// Rejects back-references and nested quantifiers.
    private static func riskyShape(_ pattern: String) -> String? {
        let scalars = Array(pattern.unicodeScalars)
        var groups: [Bool] = []  // per open group: does it contain a quantifier?
        var inClass = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                if index + 1 < scalars.count, ("1"..."9").contains(scalars[index + 1]) {
                    return "back-references are not allowed in `matches`"
                }
                index += 2
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
                index += 1
                continue
            }
            switch scalar {
            case "[":
                inClass = true
            case "(":
                groups.append(false)
                if index + 1 < scalars.count, scalars[index + 1] == "?" { index += 1 }
            case ")":
                let hadQuantifier = groups.popLast() ?? false
                let next = index + 1 < scalars.count ? scalars[index + 1] : " "
                let quantified = next == "*" || next == "+" || next == "{"
                if hadQuantifier && quantified {
                    return "nested quantifiers like `(a+)+` are not allowed in `matches` (they can take exponential time)"
                }
                if (hadQuantifier || quantified) && !groups.isEmpty { groups[groups.count - 1] = true }
            case "*", "+", "{", "?":
                if !groups.isEmpty { groups[groups.count - 1] = true }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
