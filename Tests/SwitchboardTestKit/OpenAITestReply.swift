// SwitchboardTestKit: one scripted reply of `OpenAITestServer`: status, headers, body pieces with delays
// between them, and how the body ends (finished, never, or the connection reset).
import Foundation

public struct OpenAITestReply: Sendable {
    public enum Piece: Sendable {
        case bytes([UInt8])
        case delay(Duration)
    }

    public enum Ending: Sendable {
        /// The body ends normally.
        case finish
        /// Nothing more is sent and the body never ends (a stall).
        case hang
        /// The connection is closed without ending the body.
        case close
    }

    /// How SSE text is cut into network writes.
    public enum Chunking: Sendable {
        case whole
        case perEvent
        case bytewise
        /// Random piece sizes in 1...maxPiece, from a seeded generator (reproducible).
        case random(seed: UInt64, maxPiece: Int)
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var pieces: [Piece]
    public var ending: Ending

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], pieces: [Piece], ending: Ending = .finish) {
        self.status = status
        self.headers = headers
        self.pieces = pieces
        self.ending = ending
    }

    /// The SSE text of `chunks` (JSON documents): `data: …` lines, a blank line after each, then `data: [DONE]`.
    public static func sseText(_ chunks: [String], lineEnding: String = "\n", done: Bool = true, comments: Bool = false) -> String {
        var text = comments ? ": keep-alive" + lineEnding + lineEnding : ""
        for chunk in chunks {
            text += "data: " + chunk + lineEnding + lineEnding
            if comments { text += ": ping" + lineEnding }
        }
        if done { text += "data: [DONE]" + lineEnding + lineEnding }
        return text
    }

    /// A streamed reply of `chunks`, cut by `chunking`, with `gap` between pieces.
    public static func sse(
        _ chunks: [String], chunking: Chunking = .perEvent, lineEnding: String = "\n", gap: Duration = .zero,
        done: Bool = true, comments: Bool = false, ending: Ending = .finish, status: Int = 200
    ) -> OpenAITestReply {
        let pieces: [[UInt8]]
        switch chunking {
        case .perEvent:
            var list = chunks.map { Array(("data: " + $0 + lineEnding + lineEnding).utf8) }
            if done { list.append(Array(("data: [DONE]" + lineEnding + lineEnding).utf8)) }
            pieces = list
        default:
            pieces = split(Array(sseText(chunks, lineEnding: lineEnding, done: done, comments: comments).utf8), chunking)
        }
        return OpenAITestReply(
            status: status, headers: [("content-type", "text/event-stream; charset=utf-8")],
            pieces: interleave(pieces, gap: gap), ending: ending)
    }

    /// Raw bytes as the body (e.g. hand-written SSE), cut by `chunking`.
    public static func raw(
        _ text: String, chunking: Chunking = .whole, gap: Duration = .zero, contentType: String = "text/event-stream",
        ending: Ending = .finish
    ) -> OpenAITestReply {
        OpenAITestReply(
            headers: [("content-type", contentType)], pieces: interleave(split(Array(text.utf8), chunking), gap: gap),
            ending: ending)
    }

    /// A non-streamed JSON body.
    public static func json(_ body: String, status: Int = 200) -> OpenAITestReply {
        OpenAITestReply(status: status, headers: [("content-type", "application/json")], pieces: [.bytes(Array(body.utf8))])
    }

    /// An error status with a JSON body and extra headers (e.g. `retry-after`).
    public static func error(status: Int, body: String, headers: [(name: String, value: String)] = []) -> OpenAITestReply {
        OpenAITestReply(
            status: status, headers: [("content-type", "application/json")] + headers, pieces: [.bytes(Array(body.utf8))])
    }

    static func split(_ bytes: [UInt8], _ chunking: Chunking) -> [[UInt8]] {
        switch chunking {
        case .whole, .perEvent:
            return [bytes]
        case .bytewise:
            return bytes.map { [$0] }
        case .random(let seed, let maxPiece):
            var generator = SeededGenerator(seed: seed)
            var pieces: [[UInt8]] = []
            var index = 0
            while index < bytes.count {
                let size = Int.random(in: 1...max(1, maxPiece), using: &generator)
                pieces.append(Array(bytes[index..<min(bytes.count, index + size)]))
                index += size
            }
            return pieces
        }
    }

    static func interleave(_ pieces: [[UInt8]], gap: Duration) -> [Piece] {
        var list: [Piece] = []
        for (index, piece) in pieces.enumerated() {
            if index > 0, gap > .zero { list.append(.delay(gap)) }
            list.append(.bytes(piece))
        }
        return list
    }
}

/// SplitMix64: a small reproducible generator for test data.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
