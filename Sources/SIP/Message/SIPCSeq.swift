// The CSeq header value.

/// `CSeq: 314159 INVITE`. The number must be below 2^31 (RFC 3261 §8.1.1.5).
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
    public var sequence: UInt32
    public var method: SIPMethod

    public init(_ sequence: UInt32, _ method: SIPMethod) {
        self.sequence = sequence
        self.method = method
    }

    public init(parsing text: String) throws(SIPParseError) {
        let trimmed = SIPLexer.trimmed(Substring(text))
        guard let space = trimmed.utf8.firstIndex(where: { SIPLexer.isSpace($0) }),
            let number = SIPLexer.parseUInt(trimmed[trimmed.startIndex..<space], max: UInt64(Int32.max))
        else { throw SIPParseError(.badHeaderValue, "malformed CSeq", detail: text) }
        let method = SIPLexer.trimmed(trimmed[space...])
        guard SIPLexer.isToken(method) else { throw SIPParseError(.badHeaderValue, "malformed CSeq method", detail: text) }
        self.sequence = UInt32(number)
        self.method = SIPMethod(String(method))
    }

    public var description: String { serialized }
    public var serialized: String { String(sequence) + " " + method.rawValue }
}
