// Wire (pure, Foundation only): an incremental Server-Sent Events parser (WHATWG event-stream rules).
// Bytes may be split anywhere across calls; lines end in "\n", "\r\n" or "\r"; ":" lines are comments;
// several `data:` lines join with "\n"; `event`, `id` and `retry` are read but not needed by the model client.
// The core works on contiguous bytes and hands each event's data over as bytes (no String per event), so the
// reply decoder's fast path can scan it in place; `parse(_:)` builds `SSEEvent`s on top of it.
import Foundation

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
        try parse(bytes) { name, data in
            events.append(SSEEvent(event: name, data: String(decoding: data, as: UTF8.self)))
        }
        return events
    }

    /// Parses the next read, handing each complete event's name and data bytes (valid only during the call) to
    /// `onEvent`.
    public mutating func parse(
        _ bytes: some Collection<UInt8>, onEvent: (_ event: String?, _ data: UnsafeBufferPointer<UInt8>) -> Void
    ) throws(LineTooLong) {
        var failure: LineTooLong?
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(LineTooLong) { try parseContiguous(buffer, onEvent) } catch { failure = error }
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { buffer in
                do throws(LineTooLong) { try parseContiguous(buffer, onEvent) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    /// The body ended. A last event without its blank line is still dispatched (lenient).
    public mutating func finish() -> [SSEEvent] {
        var events: [SSEEvent] = []
        finish { name, data in events.append(SSEEvent(event: name, data: String(decoding: data, as: UTF8.self))) }
        return events
    }

    /// The body ended; see `finish()`.
    public mutating func finish(onEvent: (_ event: String?, _ data: UnsafeBufferPointer<UInt8>) -> Void) {
        if !line.isEmpty { takeBufferedLine(onEvent) }
        dispatch(onEvent)
        afterCR = false
    }

    private mutating func parseContiguous(
        _ bytes: UnsafeBufferPointer<UInt8>, _ onEvent: (String?, UnsafeBufferPointer<UInt8>) -> Void
    ) throws(LineTooLong) {
        let count = bytes.count
        var index = 0
        if afterCR, index < count {
            if bytes[index] == 0x0A { index += 1 }
            afterCR = false
        }
        while index < count {
            let end = Self.lineEnd(in: bytes, from: index)
            let piece = UnsafeBufferPointer(rebasing: bytes[index..<end])
            guard line.count + piece.count <= maxLineBytes else { throw LineTooLong(limit: maxLineBytes) }
            guard end < count else {
                line.append(contentsOf: piece)
                break
            }
            if line.isEmpty {
                take(piece, onEvent)
            } else {
                line.append(contentsOf: piece)
                takeBufferedLine(onEvent)
            }
            index = end + 1
            if bytes[end] == 0x0D {
                if index < count {
                    if bytes[index] == 0x0A { index += 1 }
                } else {
                    afterCR = true
                }
            }
        }
    }

    /// The index of the next "\n" or "\r" at or after `start`, or `bytes.count` (memchr: long base64 lines).
    private static func lineEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return bytes.count }
        var limit = bytes.count
        if let newline = memchr(base + start, 0x0A, limit - start) {
            limit = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
        }
        if limit > start, let carriage = memchr(base + start, 0x0D, limit - start) {
            limit = base.distance(to: carriage.assumingMemoryBound(to: UInt8.self))
        }
        return limit
    }

    private mutating func takeBufferedLine(_ onEvent: (String?, UnsafeBufferPointer<UInt8>) -> Void) {
        var held: [UInt8] = []
        swap(&held, &line)
        held.withUnsafeBufferPointer { take($0, onEvent) }
        held.removeAll(keepingCapacity: held.capacity <= 64 << 10)
        swap(&held, &line)
    }

    private mutating func take(_ whole: UnsafeBufferPointer<UInt8>, _ onEvent: (String?, UnsafeBufferPointer<UInt8>) -> Void) {
        var line = whole
        if atStart {
            atStart = false
            if line.count >= 3, line[0] == 0xEF, line[1] == 0xBB, line[2] == 0xBF {
                line = UnsafeBufferPointer(rebasing: line[3...])
            }
        }
        if line.isEmpty { return dispatch(onEvent) }
        if line[0] == 0x3A { return }  // ":" comment / keep-alive
        let colon = line.firstIndex(of: 0x3A) ?? line.count
        var valueStart = colon < line.count ? colon + 1 : colon
        if valueStart < line.count, line[valueStart] == 0x20 { valueStart += 1 }
        let field = UnsafeBufferPointer(rebasing: line[..<colon])
        let value = UnsafeBufferPointer(rebasing: line[valueStart...])
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: value, as: UTF8.self)
        }
    }

    private mutating func dispatch(_ onEvent: (String?, UnsafeBufferPointer<UInt8>) -> Void) {
        defer {
            data.removeAll(keepingCapacity: data.capacity <= 64 << 10)
            hasData = false
            eventName = nil
        }
        guard hasData else { return }
        let name = eventName
        var held: [UInt8] = []
        swap(&held, &data)
        held.withUnsafeBufferPointer { onEvent(name, $0) }
        swap(&held, &data)
    }
}

extension SSEParser {
    /// A line grew past the parser's limit.
    public struct LineTooLong: Error, Sendable, Equatable {
        public var limit: Int
    }
}
