// ModelClientTests: the SSE parser gives the same events however the bytes are split (whole, byte by byte,
// seeded random splits), with \n, \r\n or \r line ends, comments, multi-line data and ignored fields.
import ModelClient
import SwitchboardTestKit
import Testing

@Suite struct SSEParserTests {
    static let stream = """
        \u{FEFF}: keep-alive comment
        retry: 3000

        id: 1
        event: message
        data: {"a":1}

        data: first line
        data: second line
        data:third (no space)

        : ping
        data: {"text":"h\u{E9}llo \u{1F600}"}

        data

        data: [DONE]

        """

    static let expected = [
        SSEEvent(event: "message", data: #"{"a":1}"#),
        SSEEvent(data: "first line\nsecond line\nthird (no space)"),
        SSEEvent(data: "{\"text\":\"h\u{E9}llo \u{1F600}\"}"),
        SSEEvent(data: ""),
        SSEEvent(data: "[DONE]"),
    ]

    static func parse(_ bytes: [UInt8], pieces: [[UInt8]]) throws -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for piece in pieces { events += try parser.parse(piece) }
        events += parser.finish()
        return events
    }

    static func splits(_ bytes: [UInt8], seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        var pieces: [[UInt8]] = []
        var index = 0
        while index < bytes.count {
            let size = Int.random(in: 0...9, using: &generator)
            pieces.append(Array(bytes[index..<min(bytes.count, index + size)]))
            index += size
        }
        return pieces
    }

    @Test(arguments: ["\n", "\r\n", "\r"])
    func sameEventsForEverySplit(lineEnding: String) throws {
        let text = Self.stream.replacingOccurrences(of: "\n", with: lineEnding)
        let bytes = Array(text.utf8)
        let whole = try Self.parse(bytes, pieces: [bytes])
        #expect(whole == Self.expected)
        #expect(try Self.parse(bytes, pieces: bytes.map { [$0] }) == Self.expected)
        for seed in UInt64(1)...40 {
            #expect(try Self.parse(bytes, pieces: Self.splits(bytes, seed: seed)) == Self.expected, "seed \(seed)")
        }
    }

    @Test func crLfSplitBetweenReadsIsOneLineEnd() throws {
        var parser = SSEParser()
        #expect(try parser.parse(Array("data: x\r".utf8)).isEmpty)
        #expect(try parser.parse(Array("\n\r".utf8)) == [SSEEvent(data: "x")])
        #expect(try parser.parse(Array("\ndata: y\r\n\r\n".utf8)) == [SSEEvent(data: "y")])
    }

    @Test func lastEventWithoutBlankLineIsKeptAtEnd() throws {
        var parser = SSEParser()
        #expect(try parser.parse(Array("data: a\n\ndata: [DONE]".utf8)) == [SSEEvent(data: "a")])
        #expect(parser.finish() == [SSEEvent(data: "[DONE]")])
        #expect(parser.finish().isEmpty)
    }

    @Test func overlongLineFails() {
        var parser = SSEParser(maxLineBytes: 64)
        #expect(throws: SSEParser.LineTooLong.self) {
            _ = try parser.parse([UInt8](repeating: 0x61, count: 65))
        }
    }

    @Test func realChunkStreamSplitsTheSame() throws {
        let chunks = ChunkScript.audioReply(
            (0..<4800).map { Int16(truncatingIfNeeded: $0 &* 37) }, transcript: ["Hello", " there"])
        let bytes = Array(OpenAITestReply.sseText(chunks, lineEnding: "\r\n", comments: true).utf8)
        let whole = try Self.parse(bytes, pieces: [bytes])
        #expect(whole.count == chunks.count + 1)
        #expect(whole.last?.isDone == true)
        for seed in UInt64(100)...110 {
            #expect(try Self.parse(bytes, pieces: Self.splits(bytes, seed: seed)) == whole)
        }
    }
}
