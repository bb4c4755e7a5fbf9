/// The whole-file operations behind `switchboard audio …` (convert, dtmf, vad), kept here so tests call
/// exactly what the command runs.
public enum AudioTools {
    /// Codecs a conversion can round-trip through.
    public enum Codec: String, CaseIterable, Sendable {
        case pcmu, pcma, opus
    }

    /// Mixes to mono, resamples to `rate` (default: 8000 for G.711, else the input rate), passes the signal
    /// through `codec` (encode + decode, 20 ms frames) and returns 16-bit mono PCM.
    public static func convert(_ input: WAVAudio, rate: Int? = nil, codec: Codec? = nil) throws(AudioError) -> WAVAudio
    {
        let target = rate ?? (codec == .pcmu || codec == .pcma ? 8000 : input.sampleRate)
        guard target >= 1000, target <= 384_000 else {
            throw AudioError(.invalidArgument, "output rate must be 1000…384000 Hz, got \(target)")
        }
        var samples = try Resampler.resample(input.mono(), from: input.sampleRate, to: target)
        switch codec {
        case .pcmu?: samples = G711.ulaw.decode(G711.ulaw.encode(samples))
        case .pcma?: samples = G711.alaw.decode(G711.alaw.encode(samples))
        case .opus?: samples = try opusRoundTrip(samples, sampleRate: target)
        case nil: break
        }
        return WAVAudio(sampleRate: target, channels: 1, samples: samples)
    }

    /// Encodes and decodes through Opus in 20 ms frames, compensating the codec delay so the output lines up
    /// with the input. Rates Opus does not take go through 48 kHz.
    public static func opusRoundTrip(_ samples: [Int16], sampleRate: Int, bitrate: Int = 32000) throws(AudioError)
        -> [Int16]
    {
        let opusRate = Opus.supportedRates.contains(sampleRate) ? sampleRate : 48000
        let pcm = try Resampler.resample(samples, from: sampleRate, to: opusRate)
        let encoder = try Opus.Encoder(sampleRate: opusRate, bitrate: bitrate, complexity: 5)
        let decoder = try Opus.Decoder(sampleRate: opusRate)
        let delay = try encoder.lookahead()
        let frame = encoder.frameSize
        var padded = pcm + [Int16](repeating: 0, count: delay)
        padded += [Int16](repeating: 0, count: (frame - padded.count % frame) % frame)
        var out: [Int16] = []
        out.reserveCapacity(padded.count)
        var i = 0
        while i < padded.count {
            out += try decoder.decode(try encoder.encode(Array(padded[i..<i + frame])))
            i += frame
        }
        let aligned = Array(out.dropFirst(delay).prefix(pcm.count))
        return try Resampler.resample(aligned, from: opusRate, to: sampleRate)
    }

    /// DTMF digits in a recording (mixed to mono), each once, in order.
    public static func detectDigits(_ audio: WAVAudio) -> [DTMFDigit] {
        var detector = DTMFDetector(sampleRate: audio.sampleRate)
        let mono = audio.mono()
        return mono.withUnsafeBufferPointer { detector.process($0, timestampMs: 0) }
    }

    /// Utterances in a recording (mixed to mono), found with `VoiceActivityDetector` over 20 ms frames.
    public static func detectUtterances(
        _ audio: WAVAudio, configuration: VoiceActivityDetector.Configuration = .init()
    ) -> [Utterance] {
        var vad = VoiceActivityDetector(configuration: configuration)
        var framer = Framer(sampleRate: audio.sampleRate)
        var frames = framer.push(audio.mono())
        if let last = framer.flush() { frames.append(last) }
        var events: [VADEvent] = []
        for f in frames { events += vad.process(f) }
        events += vad.finish()
        var result: [Utterance] = []
        var start: Int?
        for e in events {
            switch e {
            case .speechStart(let ms): start = ms
            case .speechEnd(let ms):
                if let s = start { result.append(Utterance(startMs: s, endMs: ms)) }
                start = nil
            }
        }
        return result
    }
}
