// A `;name=value` parameter of a URI or header field, and list helpers.

/// One `;name[=value]` parameter. `value` is nil for a flag parameter (`;lr`). Quoted values keep their quotes.
public struct SIPParameter: Sendable, Hashable {
    public var name: String
    public var value: String?

    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == SIPParameter {
    /// The value of the first parameter named `name` (case-insensitive); `""` for a flag parameter, nil if absent.
    public func value(_ name: String) -> String? {
        guard let param = first(where: { SIPLexer.equalsIgnoringCase($0.name, name) }) else { return nil }
        return param.value ?? ""
    }

    /// Whether a parameter named `name` is present.
    public func contains(_ name: String) -> Bool {
        contains { SIPLexer.equalsIgnoringCase($0.name, name) }
    }

    /// Sets (replacing) or, with nil, removes parameter `name`. `flag` adds it without a value.
    public mutating func set(_ name: String, _ value: String?, flag: Bool = false) {
        if value == nil && !flag {
            removeAll { SIPLexer.equalsIgnoringCase($0.name, name) }
            return
        }
        if let index = firstIndex(where: { SIPLexer.equalsIgnoringCase($0.name, name) }) {
            self[index].value = value
        } else {
            append(SIPParameter(name: name, value: value))
        }
    }

    /// `;a=1;b` form.
    var serialized: String {
        var result = ""
        for param in self {
            result += ";" + param.name
            if let value = param.value { result += "=" + value }
        }
        return result
    }
}
