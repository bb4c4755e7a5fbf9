// `switchboard bench model`: the model reply path without the network: (1) overhead from the first audio
// bytes received to the first RTP-ready frame (SSE parse, JSON, base64, resample 24 kHz → 8 kHz, 20 ms framing,
// µ-law), (2) decode+resample cost per second of reply audio, on the fast audio-delta path and on the full JSON
// decode, (3) memory per in-flight reply stream (decoder state measured from RSS over many live decoders; HTTP
// connection buffers not included). Run on a release build.
import ArgumentParser
import Audio
import Foundation
import ModelClient

struct BenchModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Model stream decode and resample per second of audio.")

    @Option(help: "Seconds of reply audio in the throughput run.") var seconds = 20
    @Option(help: "Milliseconds of audio per streamed chunk (delta.audio.data).") var chunkMs = 100
    @Option(help: "Bytes per network read in the throughput run.") var readBytes = 4096
    @Option(help: "Repetitions of the first-frame measurement.") var iterations = 500
    @Option(help: "Live decoders for the memory estimate.") var streams = 500
    @Option(help: "Call sample rate.") var rate = 8000

    func run() async throws {
        let reply = Self.speechLike(seconds: Double(seconds), rate: 24000)
        let chunks = Self.sse(reply, samplesPerChunk: 24 * chunkMs)
        print("switchboard bench model — reply pcm16 24 kHz → \(rate) Hz, \(chunkMs) ms per chunk")

        // (1) first audio byte → first RTP-ready frame.
        var overheads: [Double] = []
        var sink = 0
        for _ in 0..<max(1, iterations) {
            let decoder = ReplyStreamDecoder(providerSampleRate: 24000, outputSampleRate: rate)
            var framer = Framer(sampleRate: rate)
            _ = try decoder.consumeStream(chunks[0])
            let start = ContinuousClock.now
            var frame: PCMFrame?
            for event in try decoder.consumeStream(chunks[1]) {
                if case .audio(let samples) = event, frame == nil { frame = framer.push(samples).first }
            }
            var ulaw = [UInt8](repeating: 0, count: frame?.samples.count ?? 0)
            frame?.samples.withUnsafeBufferPointer { input in
                ulaw.withUnsafeMutableBufferPointer { G711.ulaw.encode(input, into: $0) }
            }
            overheads.append(Self.ms(start.duration(to: .now)))
            sink &+= Int(ulaw.first ?? 0)
        }
        overheads.sort()
        print(String(
            format: "first audio chunk → first 20 ms frame: median %.3f ms, p99 %.3f ms, max %.3f ms (goal < 2 ms)",
            overheads[overheads.count / 2], overheads[overheads.count * 99 / 100], overheads[overheads.count - 1]))

        // (2) decode + resample per second of reply audio, the body read in `readBytes` pieces: the fast path
        // (audio deltas scanned in place, table base64) and, for comparison, the full JSON decode of every chunk.
        let body = chunks.reduce(into: [UInt8]()) { $0 += $1 }
        for fast in [true, false] {
            let (best, produced, fastChunks) = try Self.decodeAndResample(body, rate: rate, readBytes: readBytes, fast: fast)
            sink &+= produced
            print(String(
                format: "decode + resample (%@): %.3f ms per second of reply audio%@; %.1f MB/s of SSE; %d of %d chunks fast",
                fast ? "fast path" : "full JSON decode", best / Double(seconds), fast ? " (goal < 1 ms)" : "",
                Double(body.count) / (best / 1000) / 1e6, fastChunks, chunks.count))
        }

        // (3) memory per in-flight stream: many decoders, each halfway through a reply.
        let before = Self.residentBytes()
        var live: [ReplyStreamDecoder] = []
        live.reserveCapacity(streams)
        let half = chunks.prefix(chunks.count / 2)
        for _ in 0..<max(1, streams) {
            let decoder = ReplyStreamDecoder(providerSampleRate: 24000, outputSampleRate: rate)
            for chunk in half.prefix(20) { _ = try decoder.consumeStream(chunk) }
            // Leave a partial line buffered, as between two network reads.
            _ = try decoder.consumeStream(chunks[min(21, chunks.count - 1)].prefix(readBytes))
            live.append(decoder)
        }
        let after = Self.residentBytes()
        let perStream = Double(after - before) / Double(live.count)
        let buffered = live.map(\.bufferedBytes).reduce(0, +) / live.count
        print(String(
            format: "memory per in-flight stream: %.1f KB resident (decoder + resampler + SSE buffers; %d B buffered), "
                + "plus the HTTP connection's read buffers", perStream / 1024, buffered))
        print("checksum \(sink &+ live.count)")
    }

    /// Best of three runs over `body`: milliseconds, samples produced, chunks the fast path took.
    static func decodeAndResample(
        _ body: [UInt8], rate: Int, readBytes: Int, fast: Bool
    ) throws -> (ms: Double, produced: Int, fastChunks: Int) {
        var best = Double.infinity
        var produced = 0
        var fastChunks = 0
        for _ in 0..<3 {
            let decoder = ReplyStreamDecoder(providerSampleRate: 24000, outputSampleRate: rate, fastPath: fast)
            let start = ContinuousClock.now
            var index = 0
            produced = 0
            while index < body.count {
                let end = min(body.count, index + readBytes)
                for case .audio(let samples) in try decoder.consumeStream(body[index..<end]) { produced += samples.count }
                index = end
            }
            for case .audio(let samples) in try decoder.finishStream() { produced += samples.count }
            best = min(best, Self.ms(start.duration(to: .now)))
            fastChunks = decoder.fastChunks
        }
        return (best, produced, fastChunks)
    }

    /// A speech-like test signal: a few harmonics with a syllable-rate envelope.
    static func speechLike(seconds: Double, rate: Int) -> [Int16] {
        let count = Int(seconds * Double(rate))
        return (0..<count).map { index in
            let t = Double(index) / Double(rate)
            let envelope = 0.5 + 0.5 * sin(2 * .pi * 4 * t)
            let voice = sin(2 * .pi * 140 * t) + 0.5 * sin(2 * .pi * 280 * t) + 0.25 * sin(2 * .pi * 1100 * t)
            return Int16(max(-32767, min(32767, 9000 * envelope * voice)))
        }
    }

    /// The reply as SSE events (one array of bytes per event): role + id, audio chunks, finish, usage, [DONE].
    static func sse(_ samples: [Int16], samplesPerChunk: Int) -> [[UInt8]] {
        func event(_ json: String) -> [UInt8] { Array("data: \(json)\n\n".utf8) }
        let head = #"{"id":"chatcmpl-b","object":"chat.completion.chunk","choices":[{"index":0,"delta":"#
        var events = [event(head + #"{"role":"assistant","audio":{"id":"audio_bench"}},"finish_reason":null}]}"#)]
        var start = 0
        while start < samples.count {
            let end = min(samples.count, start + samplesPerChunk)
            var bytes: [UInt8] = []
            bytes.reserveCapacity((end - start) * 2)
            for sample in samples[start..<end] {
                bytes.append(UInt8(truncatingIfNeeded: sample))
                bytes.append(UInt8(truncatingIfNeeded: UInt16(bitPattern: sample) >> 8))
            }
            let data = Data(bytes).base64EncodedString()
            events.append(event(head + #"{"audio":{"data":""# + data + #""}},"finish_reason":null}]}"#))
            start = end
        }
        events.append(event(head + #"{},"finish_reason":"stop"}]}"#))
        events.append(event(#"{"choices":[],"usage":{"prompt_tokens":100,"completion_tokens":500}}"#))
        events.append(event("[DONE]"))
        return events
    }

    static func ms(_ duration: Duration) -> Double {
        let (seconds, atto) = duration.components
        return Double(seconds) * 1000 + Double(atto) / 1e15
    }

    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
