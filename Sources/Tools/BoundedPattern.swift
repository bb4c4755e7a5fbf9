import Foundation

/// Runs JSON Schema `pattern`s (ECMA-262-like, unanchored search) with bounds, so that a pattern written in a
/// flow file can't hang a call: the pattern's length is capped, patterns with nested unbounded quantifiers
/// (`(a+)+`, `(.*)*` — the catastrophic-backtracking shape) and back-references are refused, and the subject
/// string's length is capped.
enum BoundedPattern {
    enum Outcome: Equatable {
        case match
        case noMatch
        case refused(String)
    }

    static func matches(_ pattern: String, _ subject: String, maxPatternLength: Int, maxSubjectLength: Int)
        -> Outcome
    {
        if let problem = problem(in: pattern, maxLength: maxPatternLength) {
            return .refused("pattern refused: \(problem)")
        }
        guard subject.utf16.count <= maxSubjectLength else {
            return .refused("string too long (over \(maxSubjectLength) characters) to check against its pattern")
        }
        guard let regex = try? NSRegularExpression(pattern: pattern) else {
            return .refused("pattern refused: not a valid regular expression")
        }
        let range = NSRange(location: 0, length: subject.utf16.count)
        return regex.firstMatch(in: subject, options: [], range: range) == nil ? .noMatch : .match
    }

    /// Why `pattern` is not acceptable, or nil when it is.
    static func problem(in pattern: String, maxLength: Int) -> String? {
        guard pattern.count <= maxLength else { return "longer than \(maxLength) characters" }
        guard (try? NSRegularExpression(pattern: pattern)) != nil else { return "not a valid regular expression" }
        if hasBackReference(pattern) { return "back-references are not allowed" }
        if hasNestedUnboundedQuantifier(pattern) {
            return "nested unbounded quantifiers (such as (a+)+) can take exponential time"
        }
        return nil
    }

    private static func hasBackReference(_ pattern: String) -> Bool {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 1 < scalars.count {
                let next = scalars[index + 1]
                if ("1"..."9").contains(next) || next == "k" { return true }
                index += 2
                continue
            }
            index += 1
        }
        return false
    }

    /// True when a group that contains an unbounded quantifier (`*`, `+`, `{n,}`) is itself repeated unboundedly.
    private static func hasNestedUnboundedQuantifier(_ pattern: String) -> Bool {
        let scalars = Array(pattern.unicodeScalars)
        var stack: [Bool] = []  // per open group: does it contain an unbounded quantifier?
        var index = 0
        var inClass = false
        var lastGroupHadUnbounded = false
        var previousWasGroupEnd = false
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                index += 2
                previousWasGroupEnd = false
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
                index += 1
                continue
            }
            var groupEnded = false
            switch scalar {
            case "[":
                inClass = true
            case "(":
                stack.append(false)
            case ")":
                lastGroupHadUnbounded = stack.popLast() ?? false
                if lastGroupHadUnbounded, !stack.isEmpty { stack[stack.count - 1] = true }
                groupEnded = true
            case "*", "+":
                if previousWasGroupEnd, lastGroupHadUnbounded { return true }
                if !stack.isEmpty { stack[stack.count - 1] = true }
            case "{":
                let rest = String(String.UnicodeScalarView(scalars[index...]))
                if let close = rest.firstIndex(of: "}") {
                    let body = rest[rest.index(after: rest.startIndex)..<close]
                    if body.hasSuffix(",") {
                        if previousWasGroupEnd, lastGroupHadUnbounded { return true }
                        if !stack.isEmpty { stack[stack.count - 1] = true }
                    }
                }
            default:
                break
            }
            previousWasGroupEnd = groupEnded
            index += 1
        }
        return false
    }
}
