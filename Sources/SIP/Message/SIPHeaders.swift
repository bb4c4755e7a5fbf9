// Ordered, case-insensitive SIP header fields with compact-form expansion.

/// The header fields of a SIP message, in wire order. Names are case-insensitive; compact forms
/// (`v`, `f`, `t`, `i`, `m`, `l`, `c`, `k`, `s`, `e`, `o`, `r`, `u`, `x`, `y`, `b`, `a`, `j`, `d`) and known
/// names are stored in their canonical long spelling (`Via`, `From`, `Call-ID`, …). A header may appear on
/// several lines and a line may carry several comma-separated values: `values(_:)` returns lines,
/// `elements(_:)` returns comma-split values across all lines.
public struct SIPHeaders: Sendable, Hashable, Sequence {
    /// One header line: canonical name and unfolded, trimmed value.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        fields.reserveCapacity(pairs.count)
        for (name, value) in pairs { add(name, value) }
    }

    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The first value of header `name` (any spelling or compact form), or nil.
    public subscript(name: String) -> String? {
        let canonical = SIPHeaders.canonicalName(name)
        return fields.first { Self.matches($0.name, canonical) }?.value
    }

    /// All lines of header `name`, in order (values are not comma-split).
    public func values(_ name: String) -> [String] {
        let canonical = SIPHeaders.canonicalName(name)
        return fields.compactMap { Self.matches($0.name, canonical) ? $0.value : nil }
    }

    /// All comma-separated values of header `name` across all its lines (commas inside quotes and `<>`
    /// are kept). Returns nil when a value list is malformed (empty element, unbalanced quote).
    public func elements(_ name: String) -> [String]? {
        var result: [String] = []
        for value in values(name) {
            guard let parts = SIPLexer.splitElements(value) else { return nil }
            result.append(contentsOf: parts.map(String.init))
        }
        return result
    }

    /// Whether header `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Appends a header line.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: SIPHeaders.canonicalName(name), value: value))
    }

    /// Inserts a header line before all others (used for Via).
    public mutating func prepend(_ name: String, _ value: String) {
        fields.insert(Field(name: SIPHeaders.canonicalName(name), value: value), at: 0)
    }

    /// Replaces all lines of `name` by one line with `value` (at the position of the first), or appends it.
    public mutating func set(_ name: String, _ value: String) {
        let canonical = SIPHeaders.canonicalName(name)
        if let index = fields.firstIndex(where: { Self.matches($0.name, canonical) }) {
            fields[index].value = value
            var next = index + 1
            while next < fields.count {
                if Self.matches(fields[next].name, canonical) { fields.remove(at: next) } else { next += 1 }
            }
        } else {
            fields.append(Field(name: canonical, value: value))
        }
    }

    /// Removes every line of `name`.
    public mutating func remove(_ name: String) {
        let canonical = SIPHeaders.canonicalName(name)
        fields.removeAll { Self.matches($0.name, canonical) }
    }

    /// Removes only the first line of `name`.
    public mutating func removeFirst(_ name: String) {
        let canonical = SIPHeaders.canonicalName(name)
        if let index = fields.firstIndex(where: { Self.matches($0.name, canonical) }) { fields.remove(at: index) }
    }

    mutating func appendField(_ field: Field) { fields.append(field) }

    /// Reserves room for `count` fields.
    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    @inline(__always) static func matches(_ stored: String, _ canonical: String) -> Bool {
        stored.utf8.count == canonical.utf8.count && (stored == canonical || SIPLexer.equalsIgnoringCase(stored, canonical))
    }

    /// How many lines of `name` there are.
    public func count(of name: String) -> Int {
        let canonical = SIPHeaders.canonicalName(name)
        var total = 0
        for field in fields where Self.matches(field.name, canonical) { total += 1 }
        return total
    }

    /// The canonical spelling of a header name: compact forms expanded, known names in their usual case,
    /// unknown names unchanged.
    public static func canonicalName(_ name: String) -> String {
        if let known = canonicalNames[name] { return known }
        let lowered = String(decoding: name.utf8.map { SIPLexer.lower($0) }, as: UTF8.self)
        return canonicalNames[lowered] ?? name
    }

    /// Canonical name for the header name in `bytes[range]`, without allocating for known names.
    static func canonicalName(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        let length = range.count
        if length == 1 {
            return compactByByte[Int(SIPLexer.lower(bytes[range.lowerBound]))] ?? SIPBytes.string(bytes, range)
        }
        if length < knownByLength.count {
            for (lowered, canonical) in knownByLength[length] {
                var equal = true
                var offset = 0
                for index in range {
                    if SIPLexer.lower(bytes[index]) != lowered[offset] {
                        equal = false
                        break
                    }
                    offset += 1
                }
                if equal { return canonical }
            }
        }
        return SIPBytes.string(bytes, range)
    }

    static let compactByByte: [String?] = {
        var table = [String?](repeating: nil, count: 256)
        for (short, long) in canonicalNames where short.utf8.count == 1 {
            table[Int(SIPLexer.lower(short.utf8.first ?? 0))] = long
        }
        return table
    }()

    static let knownByLength: [[(lowered: [UInt8], canonical: String)]] = {
        var table = [[(lowered: [UInt8], canonical: String)]](repeating: [], count: 32)
        var seen = Set<String>()
        // Most frequent first.
        let order = ["Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Content-Length", "Content-Type"]
        for name in order + canonicalNames.values.sorted() where !seen.contains(name) && name.utf8.count < 32 {
            seen.insert(name)
            table[name.utf8.count].append((Array(name.lowercased().utf8), name))
        }
        return table
    }()

    static let canonicalNames: [String: String] = {
        let known = [
            "Via", "From", "To", "Call-ID", "CSeq", "Contact", "Max-Forwards", "Content-Length", "Content-Type",
            "Content-Encoding", "Content-Disposition", "Content-Language", "Route", "Record-Route", "Allow",
            "Accept", "Accept-Encoding", "Accept-Language", "Supported", "Require", "Proxy-Require", "Unsupported",
            "Expires", "Min-Expires", "User-Agent", "Server", "Subject", "Date", "Timestamp", "Authorization",
            "Proxy-Authorization", "WWW-Authenticate", "Proxy-Authenticate", "Authentication-Info", "Retry-After",
            "Warning", "Organization", "Priority", "Reply-To", "In-Reply-To", "Alert-Info", "Call-Info",
            "Error-Info", "MIME-Version", "Event", "Allow-Events", "Subscription-State", "Refer-To", "Referred-By",
            "Replaces", "Session-Expires", "Min-SE", "RSeq", "RAck", "Reason", "Identity", "P-Asserted-Identity",
            "Privacy",
        ]
        var table: [String: String] = [:]
        for name in known {
            table[name] = name
            table[name.lowercased()] = name
        }
        let compact: [String: String] = [
            "v": "Via", "f": "From", "t": "To", "i": "Call-ID", "m": "Contact", "l": "Content-Length",
            "c": "Content-Type", "e": "Content-Encoding", "k": "Supported", "s": "Subject", "o": "Event",
            "r": "Refer-To", "u": "Allow-Events", "x": "Session-Expires", "b": "Referred-By", "y": "Identity",
            "j": "Reject-Contact", "d": "Request-Disposition", "a": "Accept-Contact",
        ]
        for (short, long) in compact {
            table[short] = long
            table[short.uppercased()] = long
        }
        return table
    }()
}
