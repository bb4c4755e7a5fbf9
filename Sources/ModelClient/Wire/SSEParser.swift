// Wire (pure, Foundation only): an incremental Server-Sent Events parser (WHATWG event-stream rules).
// Bytes may be split anywhere across calls; lines end in "\n", "\r\n" or "\r"; ":" lines are comments;
// several `data:` lines join with "\n"; `event`, `id` and `retry` are read but not needed by the model client.
public import Foundation

/// One dispatched event.
public struct SSEEvent: Sendable, Equatable {
    public var event: String?
    public var data: String

    public init(event: String? = nil, data: String) {
        self.event = event
        self.data = data
    }

    /// The stream's end marker.
    public var isDone: Bool { data == "[DONE]" }
}

/// Feeds network reads in, returns complete events. No I/O, no clock.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: String?
    private var afterCR = false
    private var atStart = true
    /// Lines longer than this fail the stream (protects memory against a peer that never sends a newline).
    public let maxLineBytes: Int

    public init(maxLineBytes: Int = 16 << 20) {
        self.maxLineBytes = maxLineBytes
    }

    /// Bytes received but not yet part of a dispatched event (for memory accounting).
    public var bufferedBytes: Int { line.count + data.count }

    /// Parses the next read. Throws `SSEParser.LineTooLong` if one line exceeds `maxLineBytes`.
    public mutating func parse(_ bytes: some Collection<UInt8>) throws(LineTooLong) -> [SSEEvent] {
        var events: [SSEEvent] = []
        var index = bytes.startIndex
        if afterCR, index < bytes.endIndex {
            if bytes[index] == 0x0A { index = bytes.index(after: index) }
            afterCR = false
        }
        while index < bytes.endIndex {
            guard let end = bytes[index...].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else {
                line.append(contentsOf: bytes[index...])
                if line.count > maxLineBytes { throw LineTooLong(limit: maxLineBytes) }
                break
            }
            line.append(contentsOf: bytes[index..<end])
            if line.count > maxLineBytes { throw LineTooLong(limit: maxLineBytes) }
            let terminator = bytes[end]
            index = bytes.index(after: end)
            if terminator == 0x0D {
                if index < bytes.endIndex {
                    if bytes[index] == 0x0A { index = bytes.index(after: index) }
                } else {
                    afterCR = true
                }
            }
            if let event = takeLine() { events.append(event) }
        }
        return events
    }

    /// The body ended. A last event without its blank line is still dispatched (lenient).
    public mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        if !line.isEmpty, let event = takeLine() { events.append(event) }
        if let event = dispatch() { events.append(event) }
        afterCR = false
        return events
    }

    private mutating func takeLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: line.capacity <= 64 << 10) }
        if atStart {
            atStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty { return dispatch() }
        if line[0] == 0x3A { return nil }  // ":" comment / keep-alive
        let colon = line.firstIndex(of: 0x3A) ?? line.endIndex
        let field = line[..<colon]
        var valueStart = colon < line.endIndex ? line.index(after: colon) : colon
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart = line.index(after: valueStart) }
        let value = line[valueStart...]
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: value, as: UTF8.self)
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: data.capacity <= 64 << 10)
            hasData = false
            eventName = nil
        }
        guard hasData else { return nil }
        return SSEEvent(event: eventName, data: String(decoding: data, as: UTF8.self))
    }
}

extension SSEParser {
    /// A line grew past the parser's limit.
    public struct LineTooLong: Error, Sendable, Equatable {
        public var limit: Int
    }
}
