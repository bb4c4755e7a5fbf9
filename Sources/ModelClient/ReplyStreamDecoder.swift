// ModelClient: one reply's bytes to events: SSE parsing, chunk decoding, and resampling the reply audio ONCE
// from the provider's rate to the call's rate (speexdsp, streaming, filter state kept across chunks).
// Not Sendable (owns a resampler); one per attempt, used by one task. Public so that Replay decodes recorded
// response bytes with exactly this code. Audio-delta chunks take the fast path (`decodeAudioDelta`: a byte
// scanner and table base64, no JSON decode); every other chunk, or one the scanner is unsure of, is decoded
// in full. `fastPath: false` decodes everything in full (for comparisons).
import Audio
public import Foundation

/// Turns network reads of one response into `ChatStreamEvent`s and keeps the reply's summary.
public final class ReplyStreamDecoder {
    public let outputSampleRate: Int
    private var parser = SSEParser()
    private var chunks: ChatChunkDecoder
    private var resampler: Resampler?
    private var resamplerInputRate = 0
    private var inputSamples = 0
    public private(set) var deliveredSamples = 0
    public private(set) var transcript = ""
    public private(set) var audioID: String?
    public private(set) var expiresAt: Date?
    public private(set) var toolCalls: [ChatToolCall] = []
    public private(set) var finishReason: String?
    /// What the model said when it declined, if it did.
    public private(set) var refusal = ""
    public private(set) var usage: ChatUsage?
    public private(set) var malformedChunks: Int = 0
    public private(set) var malformedSamples: [String] = []
    public private(set) var isDone = false
    public let fastPath: Bool
    /// Chunks decoded by the fast path (the rest went through the full decoder).
    public private(set) var fastChunks = 0

    public init(providerSampleRate: Int, outputSampleRate: Int, fastPath: Bool = true) {
        self.chunks = ChatChunkDecoder(pcmSampleRate: providerSampleRate)
        self.outputSampleRate = outputSampleRate
        self.fastPath = fastPath
    }

    /// Bytes held in parser buffers (for memory estimates).
    public var bufferedBytes: Int { parser.bufferedBytes }

    /// One read of a streamed (SSE) body.
    public func consumeStream(_ bytes: some Collection<UInt8>) throws(ModelClientError) -> [ChatStreamEvent] {
        var out: [ChatStreamEvent] = []
        var failure: ModelClientError?
        do {
            try parser.parse(bytes) { name, data in
                guard failure == nil else { return }
                do throws(ModelClientError) { try handle(name, data, into: &out) } catch { failure = error }
            }
        } catch {
            throw ModelClientError(.malformedResponse, "an SSE line exceeded \(error.limit) bytes")
        }
        if let failure { throw failure }
        return out
    }

    /// The body ended: pending events, tool calls not released yet, the resampler's tail.
    public func finishStream() throws(ModelClientError) -> [ChatStreamEvent] {
        var out: [ChatStreamEvent] = []
        var failure: ModelClientError?
        parser.finish { name, data in
            guard failure == nil else { return }
            do throws(ModelClientError) { try handle(name, data, into: &out) } catch { failure = error }
        }
        if let failure { throw failure }
        try apply(chunkOutputs { decoder throws(ToolCallAssemblyError) in try decoder.finish() }, into: &out)
        flushResampler(into: &out)
        return out
    }

    private func handle(
        _ name: String?, _ data: UnsafeBufferPointer<UInt8>, into out: inout [ChatStreamEvent]
    ) throws(ModelClientError) {
        if fastPath, name == nil, let outputs = chunks.decodeAudioDelta(data) {
            fastChunks += 1
            return try apply(outputs, into: &out)
        }
        let event = SSEEvent(event: name, data: String(decoding: data, as: UTF8.self))
        try apply(chunkOutputs { decoder throws(ToolCallAssemblyError) in try decoder.decode(event) }, into: &out)
    }

    /// A whole non-streamed JSON body.
    public func consumeCompletion(_ body: Data) throws(ModelClientError) -> [ChatStreamEvent] {
        var out: [ChatStreamEvent] = []
        try apply(ChatChunkDecoder.decodeCompletion(body, pcmSampleRate: chunks.pcmSampleRate), into: &out)
        flushResampler(into: &out)
        isDone = true
        return out
    }

    private func chunkOutputs(
        _ body: (inout ChatChunkDecoder) throws(ToolCallAssemblyError) -> [ChatChunkDecoder.Output]
    ) throws(ModelClientError) -> [ChatChunkDecoder.Output] {
        do {
            return try body(&chunks)
        } catch {
            throw ModelClientError(.toolCall, error.message)
        }
    }

    private func apply(_ outputs: [ChatChunkDecoder.Output], into out: inout [ChatStreamEvent]) throws(ModelClientError) {
        for output in outputs {
            switch output {
            case .audio(let samples, let rate):
                let resampled = resample(samples, from: rate)
                if !resampled.isEmpty {
                    deliveredSamples += resampled.count
                    out.append(.audio(resampled))
                }
            case .transcriptDelta(let text):
                transcript += text
                out.append(.transcriptDelta(text))
            case .audioID(let id):
                audioID = id
            case .audioExpiresAt(let seconds):
                expiresAt = Date(timeIntervalSince1970: TimeInterval(seconds))
            case .toolCalls(let calls):
                toolCalls += calls
                out += calls.map { .toolCall($0) }
            case .finishReason(let reason):
                finishReason = reason
            case .refusal(let text):
                refusal += text
            case .usage(let value):
                usage = value
            case .error(let body):
                throw ModelClientError(
                    .streamError, "the provider reported an error mid-stream: \(body.message)", status: body.statusCode)
            case .malformed(let sample):
                malformedChunks += 1
                if malformedSamples.count < 3 { malformedSamples.append(sample) }
            case .done:
                isDone = true
            }
        }
    }

    private func resample(_ samples: [Int16], from rate: Int) -> [Int16] {
        inputSamples += samples.count
        guard rate != outputSampleRate else { return samples }
        if resampler == nil || resamplerInputRate != rate {
            resampler = try? Resampler(from: rate, to: outputSampleRate, quality: 4)
            resamplerInputRate = rate
        }
        guard let resampler else { return [] }
        return resampler.process(samples)
    }

    /// Pushes zeros through the filter so the reply's last samples come out: the resampler emits about
    /// input × ratio samples with its filter delay at the head, so the tail needs `latency` more samples.
    private func flushResampler(into out: inout [ChatStreamEvent]) {
        guard let resampler, resamplerInputRate > 0 else { return }
        let target = inputSamples * outputSampleRate / resamplerInputRate + resampler.latencyOutputSamples
        let missing = target - deliveredSamples
        guard missing > 0 else { return }
        let pad = (missing + 2) * resamplerInputRate / outputSampleRate + 2
        var tail = resampler.process([Int16](repeating: 0, count: pad))
        if tail.count > missing { tail.removeLast(tail.count - missing) }
        if !tail.isEmpty {
            deliveredSamples += tail.count
            out.append(.audio(tail))
        }
    }
}
