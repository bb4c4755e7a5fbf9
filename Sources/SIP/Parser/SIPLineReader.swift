// Splits the header section of a message into lines, unfolding continuation lines.

struct SIPLineReader {
    let bytes: [UInt8]
    /// Index of the first byte not yet consumed.
    var position: Int

    /// The next raw line (without CRLF/LF), or nil at the end of input without a line terminator.
    mutating func nextLine() -> Range<Int>? {
        var index = position
        let count = bytes.count
        while index < count {
            if bytes[index] == 0x0A {
                var end = index
                if end > position, bytes[end - 1] == 0x0D { end -= 1 }
                let range = position..<end
                position = index + 1
                return range
            }
            index += 1
        }
        return nil
    }

    /// The next logical header line with folded continuation lines joined by one space; "" for the empty
    /// line that ends the headers; nil if the input ends first.
    mutating func nextUnfoldedLine() -> Substring? {
        guard let first = nextLine() else { return nil }
        if first.isEmpty { return "" }
        var continuation: [Range<Int>] = []
        while position < bytes.count, SIPLexer.isSpace(bytes[position]) {
            let saved = position
            guard let next = nextLine() else { position = saved; break }
            continuation.append(next)
        }
        if continuation.isEmpty {
            return Substring(String(decoding: bytes[first], as: UTF8.self))
        }
        var joined = Array(bytes[first])
        for range in continuation {
            var slice = bytes[range]
            while let head = slice.first, SIPLexer.isSpace(head) { slice = slice.dropFirst() }
            while let tail = joined.last, SIPLexer.isSpace(tail) { joined.removeLast() }
            joined.append(0x20)
            joined.append(contentsOf: slice)
        }
        return Substring(String(decoding: joined, as: UTF8.self))
    }
}
