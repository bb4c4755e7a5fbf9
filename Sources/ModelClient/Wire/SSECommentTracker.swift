// Wire (pure): tells, read by read, whether an SSE body delivered nothing but comment lines (`: keep-alive`)
// and line breaks — keep-alives prove the connection lives, not that the reply moves. Lines may be split
// across reads at any byte, so it carries where the last read stopped.

/// Whether each read of an SSE body was comments only.
public struct SSECommentTracker: Sendable {
    private var atLineStart = true
    private var inComment = false

    public init() {}

    /// True when every byte of `bytes` belongs to a comment line or a line break (and there was at least one).
    public mutating func onlyComments(_ bytes: some Collection<UInt8>) -> Bool {
        var only = !bytes.isEmpty
        for byte in bytes {
            if byte == 0x0A || byte == 0x0D {
                atLineStart = true
                inComment = false
                continue
            }
            if atLineStart {
                atLineStart = false
                inComment = byte == UInt8(ascii: ":")
            }
            if !inComment { only = false }
        }
        return only
    }
}
