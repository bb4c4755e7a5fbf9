/// A dotted variable reference such as `vars.account.name` or `caller.number`.
public import SwitchboardCore

public struct VariablePath: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var root: String
    public var components: [String]
    public init(root: String, components: [String]) {
        self.root = root
        self.components = components
    }
    public var description: String { ([root] + components).joined(separator: ".") }

    /// Roots a template or expression may refer to.
    public static let roots = ["caller", "call", "time", "vars"]
    /// Fields of the fixed roots (`vars` is free-form).
    public static let fields: [String: [String]] = [
        "caller": ["number", "name"],
        "call": ["id", "to", "started_at"],
        "time": ["hour", "minute", "weekday", "date", "time"],
    ]

    /// Parses `a.b.c`; `nil` unless every part is an identifier.
    public static func parse(_ text: Substring) -> VariablePath? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard let first = parts.first, parts.allSatisfy(isIdentifier) else { return nil }
        return VariablePath(root: String(first), components: parts.dropFirst().map(String.init))
    }

    static func isIdentifier(_ part: Substring) -> Bool {
        guard let first = part.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else {
            return false
        }
        return part.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

/// A problem in a template or expression, at a 0-based offset (in Unicode scalars) into its text.
public struct SourceTextError: Error, Sendable, Equatable {
    public var offset: Int
    public var message: String
    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }
}

/// Text with `{{path}}` placeholders, e.g. `Hello {{caller.name}}, your balance is {{vars.account.balance}}.`
public struct Template: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        case text(String)
        case path(VariablePath, offset: Int)
    }
    public var source: String
    public var segments: [Segment]

    /// A template without placeholders.
    public init(literal: String) {
        source = literal
        segments = literal.isEmpty ? [] : [.text(literal)]
    }

    /// Parses `text`; every problem (unclosed `{{`, empty or malformed placeholder) is returned.
    public static func parse(_ text: String) -> (Template, [SourceTextError]) {
        var segments: [Segment] = []
        var errors: [SourceTextError] = []
        let scalars = Array(text.unicodeScalars)
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "{", index + 1 < scalars.count, scalars[index + 1] == "{" {
                let open = index
                var close: Int?
                var probe = index + 2
                while probe + 1 < scalars.count {
                    if scalars[probe] == "}" && scalars[probe + 1] == "}" {
                        close = probe
                        break
                    }
                    probe += 1
                }
                guard let close else {
                    errors.append(SourceTextError(offset: open, message: "unclosed `{{` in template"))
                    break
                }
                var inner = String.UnicodeScalarView()
                inner.append(contentsOf: scalars[(open + 2)..<close])
                let trimmed = String(inner).trimmingSpaces()
                if !literal.isEmpty {
                    segments.append(.text(String(literal)))
                    literal = String.UnicodeScalarView()
                }
                if let path = VariablePath.parse(Substring(trimmed)) {
                    segments.append(.path(path, offset: open + 2))
                } else {
                    let what = trimmed.isEmpty ? "empty placeholder `{{}}`" : "`\(trimmed)` is not a variable path"
                    errors.append(SourceTextError(offset: open + 2, message: "\(what) in template"))
                }
                index = close + 2
            } else {
                literal.append(scalars[index])
                index += 1
            }
        }
        if !literal.isEmpty { segments.append(.text(String(literal))) }
        return (Template(source: text, segments: segments), errors)
    }

    init(source: String, segments: [Segment]) {
        self.source = source
        self.segments = segments
    }

    /// Every variable the template refers to, with its offset.
    public var paths: [(VariablePath, Int)] {
        segments.compactMap { segment in
            if case .path(let path, let offset) = segment { return (path, offset) }
            return nil
        }
    }

    /// Renders with `lookup` resolving each path (missing values render as empty text).
    public func render(_ lookup: (VariablePath) -> JSONValue?) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .text(let text): out += text
            case .path(let path, _): out += lookup(path)?.templateText ?? ""
            }
        }
        return out
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
