// ModelClientTests: runs a response body through the reply decoder twice, fast path on and off, and compares
// everything the two produce; and the same per chunk on the pure chunk decoder.
import Foundation
import ModelClient
import Testing

enum FastPath {
    /// Runs CPU-heavy comparison work on a dispatch thread, so that the network tests running beside it keep
    /// the (two-thread) cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    struct Run: Equatable {
        var events: [ChatStreamEvent]
        var error: ModelClientError?
        var transcript: String
        var audioID: String?
        var expiresAt: Date?
        var toolCalls: [ChatToolCall]
        var finishReason: String?
        var usage: ChatUsage?
        var malformedChunks: Int
        var malformedSamples: [String]
        var deliveredSamples: Int
    }

    /// Decodes `reads` (network reads of one SSE body); `fastChunks` counts chunks the fast path took.
    static func run(_ reads: [[UInt8]], fast: Bool, rate: Int) -> (run: Run, fastChunks: Int) {
        let decoder = ReplyStreamDecoder(providerSampleRate: 24000, outputSampleRate: rate, fastPath: fast)
        var events: [ChatStreamEvent] = []
        var failure: ModelClientError?
        do {
            for read in reads { events += try decoder.consumeStream(read) }
            events += try decoder.finishStream()
        } catch {
            failure = error
        }
        let run = Run(
            events: events, error: failure, transcript: decoder.transcript, audioID: decoder.audioID,
            expiresAt: decoder.expiresAt, toolCalls: decoder.toolCalls, finishReason: decoder.finishReason,
            usage: decoder.usage, malformedChunks: decoder.malformedChunks, malformedSamples: decoder.malformedSamples,
            deliveredSamples: decoder.deliveredSamples)
        return (run, decoder.fastChunks)
    }

    /// Both paths over `reads`: they must agree. Returns how many chunks the fast path took.
    @discardableResult
    static func expectSame(_ reads: [[UInt8]], rate: Int = 24000, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) -> Int {
        let (full, none) = run(reads, fast: false, rate: rate)
        let (fast, taken) = run(reads, fast: true, rate: rate)
        #expect(none == 0, sourceLocation: sourceLocation)
        #expect(fast == full, "\(comment): fast path differs", sourceLocation: sourceLocation)
        return taken
    }

    /// Per chunk on the pure decoder: wherever the fast path answers, its outputs equal the full decode from the
    /// same state. Returns (chunks, fast chunks).
    static func expectSameChunks(_ body: [UInt8], _ comment: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> (Int, Int) {
        var parser = SSEParser()
        let events = try parser.parse(body) + parser.finish()
        var decoder = ChatChunkDecoder(pcmSampleRate: 24000)
        var fastCount = 0
        for event in events {
            var full = decoder
            let expected = try full.decode(event)
            var fast = decoder
            let bytes = Array(event.data.utf8)
            if event.event == nil, let outputs = bytes.withUnsafeBufferPointer({ fast.decodeAudioDelta($0) }) {
                fastCount += 1
                #expect(outputs == expected, "\(comment): \(event.data.prefix(160))", sourceLocation: sourceLocation)
                var after = fast
                var reference = full
                // Same state afterwards: the next odd-byte chunk decodes alike.
                #expect(try after.decode(SSEEvent(data: probe)) == (try reference.decode(SSEEvent(data: probe))), sourceLocation: sourceLocation)
            }
            decoder = full
        }
        return (events.count, fastCount)
    }

    /// A chunk of 3 bytes (odd): shows whether a carried byte is the same in two decoders.
    static let probe = #"{"choices":[{"index":0,"delta":{"audio":{"data":"AQID"}}}]}"#

    /// Each document as one SSE event (a document with line breaks becomes several `data:` lines).
    static func sse(_ documents: [String]) -> [UInt8] {
        let events = documents.map { document in
            document.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                .map { "data: \($0)\n" }.joined() + "\n"
        }
        return Array(events.joined().utf8)
    }
}
