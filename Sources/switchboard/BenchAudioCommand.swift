// `switchboard bench audio`: cost per 20 ms frame of each audio stage, and how many real-time channels one
// core carries at that cost (20 ms / cost). Run on a release build. Raw libopus calls are timed next to the
// Opus wrapper to show the wrapper's overhead.
import ArgumentParser
import Audio
import COpus
import CallEngine
import Foundation

struct BenchAudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio", abstract: "Audio codecs, resampler, DTMF, VAD, the caller pipeline per 20 ms frame.")

    @Option(help: "Seconds of audio per measurement round.") var seconds = 2
    @Option(help: "Rounds per stage (the fastest round is reported, which filters out other load).") var rounds = 15

    func run() async throws {
        var bench = AudioBench(frames: max(1, seconds) * 50, rounds: max(1, rounds))
        print("switchboard bench audio — per 20 ms frame, best of \(bench.rounds) rounds of \(bench.frames) frames")
        print("libopus: \(Opus.version)")
        print(pad("stage", 44) + pad("ns/frame", 12, left: true) + pad("channels/core", 16, left: true))
        for row in try bench.runAll() {
            print(
                pad(row.name, 44) + pad(String(format1(row.ns)), 12, left: true)
                    + pad(String(Int(20_000_000 / max(row.ns, 0.001))), 16, left: true))
        }
        let raw = bench.results
        if let e = raw["opus encode (libopus raw)"], let w = raw["opus encode c5 48k (wrapper, buffers)"] {
            print("opus encode wrapper vs raw: \(format1((w / e - 1) * 100)) %")
        }
        if let d = raw["opus decode (libopus raw)"], let w = raw["opus decode 48k (wrapper, buffers)"] {
            print("opus decode wrapper vs raw: \(format1((w / d - 1) * 100)) %")
        }
        print("checksum \(bench.sink)")
    }

    private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? fill + s : s + fill
    }

    private func format1(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return "\(r)"
    }
}

// MARK: - The measurements (one stage per closure, timed on a monotonic clock)

struct AudioBench {
    struct Row {
        let name: String
        let ns: Double
    }

    let frames: Int
    let rounds: Int
    var sink = 0
    var results: [String: Double] = [:]
    private var rows: [Row] = []

    init(frames: Int, rounds: Int) {
        self.frames = frames
        self.rounds = rounds
    }

    /// A speech-like test signal: two formant-ish tones, amplitude-modulated, with noise.
    static func signal(sampleRate: Int, seconds: Int = 2) -> [Int16] {
        var rng = UInt64(12345)
        return (0..<(sampleRate * seconds)).map { i in
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let t = Double(i) / Double(sampleRate)
            let env = 0.5 + 0.5 * sin(2 * Double.pi * 3 * t)
            let v = env * (6000 * sin(2 * Double.pi * 220 * t) + 3000 * sin(2 * Double.pi * 1250 * t))
            return ToneGenerator.clip(v + Double(Int64(bitPattern: rng >> 1) % 600))
        }
    }

    /// Times `body(frameIndex)` over `frames` calls, `rounds` times; records the fastest round per frame.
    mutating func measure(_ name: String, rounds: Int? = nil, _ body: (Int) throws -> Int) rethrows {
        var best = Double.infinity
        for _ in 0..<(rounds ?? self.rounds) {
            let start = ContinuousClock.now
            var acc = 0
            for i in 0..<frames { acc &+= try body(i) }
            let elapsed = ContinuousClock.now - start
            sink &+= acc
            let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
            best = min(best, ns / Double(frames))
        }
        // A stage measured again (interleaved with another) keeps its fastest result.
        if let old = results[name], let at = rows.firstIndex(where: { $0.name == name }) {
            best = min(best, old)
            rows[at] = Row(name: name, ns: best)
        } else {
            rows.append(Row(name: name, ns: best))
        }
        results[name] = best
    }

    mutating func runAll() throws -> [Row] {
        let pcm8 = Self.signal(sampleRate: 8000)
        let pcm16 = Self.signal(sampleRate: 16000)
        let pcm24 = Self.signal(sampleRate: 24000)
        let pcm48 = Self.signal(sampleRate: 48000)
        let n8 = pcm8.count / 160
        var bytes = [UInt8](repeating: 0, count: 160)
        var out = [Int16](repeating: 0, count: 2048)
        let law = G711.ulaw.encode(pcm8)

        try pcm8.withUnsafeBufferPointer { p8 in
            try law.withUnsafeBufferPointer { lawBuf in
                try bytes.withUnsafeMutableBufferPointer { b in
                    try out.withUnsafeMutableBufferPointer { o in
                        try measureAll(
                            p8: p8, law: lawBuf, n8: n8, b: b, o: o, pcm16: pcm16, pcm24: pcm24, pcm48: pcm48)
                    }
                }
            }
        }
        return rows
    }

    private mutating func measureAll(
        p8: UnsafeBufferPointer<Int16>, law: UnsafeBufferPointer<UInt8>, n8: Int,
        b: UnsafeMutableBufferPointer<UInt8>, o: UnsafeMutableBufferPointer<Int16>,
        pcm16: [Int16], pcm24: [Int16], pcm48: [Int16]
    ) throws {
        func frame8(_ i: Int) -> UnsafeBufferPointer<Int16> {
            UnsafeBufferPointer(rebasing: p8[(i % n8) * 160..<(i % n8) * 160 + 160])
        }
        func lawFrame(_ i: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: law[(i % n8) * 160..<(i % n8) * 160 + 160])
        }

        measure("g711 ulaw encode+decode 8k") { i in
            G711.ulaw.encode(frame8(i), into: b)
            G711.ulaw.decode(UnsafeBufferPointer(b), into: o)
            return Int(o[i % 160])
        }
        measure("g711 alaw encode+decode 8k") { i in
            G711.alaw.encode(frame8(i), into: b)
            G711.alaw.decode(UnsafeBufferPointer(b), into: o)
            return Int(o[i % 160])
        }
        try OpusBench.measure(into: &self, pcm48: pcm48)
        try measureResampler("resample 24k->8k (q4)", pcm24, from: 24000, to: 8000, quality: 4, o: o)
        try measureResampler("resample 48k->16k (q4)", pcm48, from: 48000, to: 16000, quality: 4, o: o)
        try measureResampler("resample 8k->24k (q4)", Array(p8), from: 8000, to: 24000, quality: 4, o: o)
        try measureResampler("resample 24k->8k (q3 voip)", pcm24, from: 24000, to: 8000, quality: 3, o: o)
        _ = pcm16
        var dtmf = DTMFDetector(sampleRate: 8000)
        measure("dtmf goertzel 8k") { i in dtmf.process(frame8(i), timestampMs: i * 20).count }
        var vad = VoiceActivityDetector()
        measure("vad 8k") { i in vad.process(frame8(i), sampleRate: 8000, timestampMs: i * 20).count }
        var vad2 = VoiceActivityDetector()
        var dtmf2 = DTMFDetector(sampleRate: 8000)
        measure("receive path: ulaw decode + vad + dtmf") { i in
            G711.ulaw.decode(lawFrame(i), into: o)
            let pcm = UnsafeBufferPointer(rebasing: o[0..<160])
            return vad2.process(pcm, sampleRate: 8000, timestampMs: i * 20).count
                + dtmf2.process(pcm, timestampMs: i * 20).count
        }
        measureCallerPath(frame8: frame8)
    }

    /// The flow receive path's DSP per frame (issue 13): the voicing analysis behind barge-in, the turn
    /// detector (VAD + barge-in + turns) and the whole caller pipeline a listening call runs (in-band DTMF, the
    /// session handshake, turns), on the speech-like signal and on digital silence (a caller's pause).
    private mutating func measureCallerPath(frame8: (Int) -> UnsafeBufferPointer<Int16>) {
        measure("voicing analysis 8k (speech)") { i in
            VoicingAnalysis.analyse(frame8(i), sampleRate: 8000, skipPeriodicityBelowDB: -40).pitchLag
        }
        var turns = TurnDetector()
        measure("turn detector 8k (vad+barge-in+turns)") { i in
            turns.process(frame8(i), sampleRate: 8000, timestampMs: i * 20, botSpeaking: false, interruptible: true)
                .count
        }
        var caller = CallerAudioPipeline(
            configuration: .init(sampleRate: 8000, inbandDTMF: true), control: CallMediaControl())
        var events = 0
        measure("caller pipeline 8k (dtmf+vad+turns)") { i in
            caller.process(frame8(i), timestampMs: i * 20, botPlaying: false) { _ in events += 1 }
            return events
        }
        let silence = [Int16](repeating: 0, count: 160)
        var quiet = CallerAudioPipeline(
            configuration: .init(sampleRate: 8000, inbandDTMF: true), control: CallMediaControl())
        silence.withUnsafeBufferPointer { zero in
            measure("caller pipeline 8k, digital silence") { i in
                quiet.process(zero, timestampMs: i * 20, botPlaying: false) { _ in events += 1 }
                return events
            }
        }
    }

    private mutating func measureResampler(
        _ name: String, _ input: [Int16], from: Int, to: Int, quality: Int, o: UnsafeMutableBufferPointer<Int16>
    ) throws {
        let r = try Resampler(from: from, to: to, quality: quality)
        let size = from / 50
        let count = input.count / size
        input.withUnsafeBufferPointer { p in
            measure(name) { i in
                let k = i % count
                return r.process(UnsafeBufferPointer(rebasing: p[k * size..<k * size + size]), into: o)
            }
        }
    }
}

// MARK: - Opus: our wrapper next to the same libopus calls made directly

enum OpusBench {
    static func measure(into bench: inout AudioBench, pcm48: [Int16]) throws {
        let size = 960
        let count = pcm48.count / size
        // Packets to decode, made once.
        let encoder = try Opus.Encoder(sampleRate: 48000, bitrate: 32000, complexity: 5)
        var packets: [[UInt8]] = []
        for k in 0..<count { packets.append(try encoder.encode(Array(pcm48[k * size..<k * size + size]))) }

        var err: Int32 = 0
        guard let rawEnc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err),
            let rawDec = opus_decoder_create(48000, 1, &err)
        else { throw AudioError(.opus, "opus create failed: \(err)") }
        defer {
            opus_encoder_destroy(rawEnc)
            opus_decoder_destroy(rawDec)
        }
        _ = copus_set_complexity(rawEnc, 5)
        _ = copus_set_bitrate(rawEnc, 32000)
        _ = copus_set_signal_voice(rawEnc)
        let wrapEnc = try Opus.Encoder(sampleRate: 48000, bitrate: 32000, complexity: 5)
        let wrapDec = try Opus.Decoder(sampleRate: 48000)
        var packet = [UInt8](repeating: 0, count: Opus.maxPacketSize)
        var out = [Int16](repeating: 0, count: 5760)

        try pcm48.withUnsafeBufferPointer { p in
            try packet.withUnsafeMutableBufferPointer { pk in
                try out.withUnsafeMutableBufferPointer { o in
                    guard let base = p.baseAddress, let pkBase = pk.baseAddress, let oBase = o.baseAddress else {
                        return
                    }
                    func frame(_ i: Int) -> UnsafeBufferPointer<Int16> {
                        UnsafeBufferPointer(rebasing: p[(i % count) * size..<(i % count) * size + size])
                    }
                    // Alternate raw and wrapper round by round so both see the same machine load.
                    for _ in 0..<bench.rounds * 2 {
                        bench.measure("opus encode (libopus raw)", rounds: 1) { i in
                            Int(opus_encode(rawEnc, base + (i % count) * size, 960, pkBase, Int32(pk.count)))
                        }
                        try bench.measure("opus encode c5 48k (wrapper, buffers)", rounds: 1) { i in
                            try wrapEnc.encode(frame(i), into: pk)
                        }
                    }
                    try bench.measure("opus encode c5 48k (wrapper, arrays)") { i in
                        try wrapEnc.encode(Array(frame(i))).count
                    }
                    for _ in 0..<bench.rounds * 2 {
                        bench.measure("opus decode (libopus raw)", rounds: 1) { i in
                            packets[i % count].withUnsafeBufferPointer { q in
                                Int(opus_decode(rawDec, q.baseAddress, Int32(q.count), oBase, 5760, 0))
                            }
                        }
                        try bench.measure("opus decode 48k (wrapper, buffers)", rounds: 1) { i in
                            try packets[i % count].withUnsafeBufferPointer { (q) throws(AudioError) -> Int in
                                try wrapDec.decode(q, into: o)
                            }
                        }
                    }
                    try bench.measure("opus decode 48k (wrapper, arrays)") { i in
                        try wrapDec.decode(packets[i % count]).count
                    }
                    try bench.measure("opus decode PLC (lost frame)") { _ in try wrapDec.decode(nil, into: o) }
                }
            }
        }
    }
}
