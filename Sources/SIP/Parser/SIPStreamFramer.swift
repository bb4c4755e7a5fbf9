// SIP over a byte stream (TCP, RFC 3261 §18.3): messages are delimited by their Content-Length, which is
// mandatory on streams. Bytes may arrive whole, one by one or several messages per read; CRLF keep-alives
// (RFC 5626 §3.5.1: "\r\n\r\n" ping, "\r\n" pong) may sit between messages.

/// Splits a SIP byte stream into messages. Pure: feed bytes, take out what is complete.
public struct SIPStreamFramer: Sendable {
    /// One thing found in the stream.
    public enum Frame: Sendable, Hashable {
        /// A whole SIP message (start line, headers, body), ready for the parser.
        case message([UInt8])
        /// A double-CRLF keep-alive ping (answer with a single CRLF).
        case ping
    }

    /// The stream cannot be framed (no Content-Length, too large): close the connection.
    public struct FramingError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Largest message accepted (headers and body).
    public var maxMessageSize: Int
    private var buffer: [UInt8] = []
    private var start = 0

    public init(maxMessageSize: Int = 65_536) {
        self.maxMessageSize = maxMessageSize
    }

    /// Bytes received and not yet framed.
    public var pendingCount: Int { buffer.count - start }

    /// Appends `bytes` and returns every frame now complete, in order.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(FramingError) -> [Frame] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var frames: [Frame] = []
        while let frame = try next() { frames.append(frame) }
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        return frames
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    private mutating func next() throws(FramingError) -> Frame? {
        // Leading CRLFs: "\r\n\r\n" is a ping; a lone "\r\n" (a pong, or padding) is skipped.
        while start < buffer.count, buffer[start] == Self.cr || buffer[start] == Self.lf {
            if buffer.count - start >= 4, buffer[start..<start + 4].elementsEqual([Self.cr, Self.lf, Self.cr, Self.lf]) {
                start += 4
                return .ping
            }
            // Fewer than four line-end bytes so far: they may still become a ping; wait for more.
            if buffer.count - start < 4, buffer[start...].allSatisfy({ $0 == Self.cr || $0 == Self.lf }) { return nil }
            start += 1
        }
        guard start < buffer.count else { return nil }
        guard let headerEnd = headerEnd() else {
            if buffer.count - start > maxMessageSize { throw FramingError(description: "headers longer than \(maxMessageSize) bytes") }
            return nil
        }
        guard let length = contentLength(in: start..<headerEnd) else {
            throw FramingError(description: "message without a valid Content-Length on a stream")
        }
        let total = headerEnd - start + length
        guard total <= maxMessageSize else { throw FramingError(description: "message of \(total) bytes exceeds \(maxMessageSize)") }
        guard buffer.count - start >= total else { return nil }
        let message = Array(buffer[start..<start + total])
        start += total
        return .message(message)
    }

    /// Index just past the empty line ending the headers, or nil when it has not arrived.
    private func headerEnd() -> Int? {
        var index = start
        while index + 3 < buffer.count {
            if buffer[index] == Self.cr, buffer[index + 1] == Self.lf, buffer[index + 2] == Self.cr, buffer[index + 3] == Self.lf {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    /// The Content-Length (or compact `l`) value in the header block; nil when absent, repeated differently
    /// or not a number.
    private func contentLength(in range: Range<Int>) -> Int? {
        var found: Int?
        var lineStart = range.lowerBound
        var index = range.lowerBound
        while index + 1 < range.upperBound {
            guard buffer[index] == Self.cr, buffer[index + 1] == Self.lf else {
                index += 1
                continue
            }
            let line = buffer[lineStart..<index]
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = String(decoding: line[lineStart..<colon], as: UTF8.self).trimmingSpaces.lowercased()
                if name == "content-length" || name == "l" {
                    let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingSpaces
                    guard let number = Int(value), number >= 0, found == nil || found == number else { return nil }
                    found = number
                }
            }
            index += 2
            lineStart = index
        }
        return found
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
