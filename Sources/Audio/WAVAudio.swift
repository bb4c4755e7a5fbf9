/// Audio read from or written to a WAV file: interleaved 16-bit samples, any rate, one or more channels.
public struct WAVAudio: Equatable, Sendable {
    /// How the samples were stored in the file they came from.
    public enum Encoding: String, Sendable {
        case pcm16, pcm8, ulaw, alaw
    }

    public var sampleRate: Int
    public var channels: Int
    /// Interleaved samples (`channels` per frame).
    public var samples: [Int16]
    public var encoding: Encoding

    public init(sampleRate: Int, channels: Int = 1, samples: [Int16], encoding: Encoding = .pcm16) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.samples = samples
        self.encoding = encoding
    }

    /// Sample frames per channel.
    public var frameCount: Int { channels > 0 ? samples.count / channels : 0 }

    public var durationMs: Double { sampleRate > 0 ? Double(frameCount) * 1000 / Double(sampleRate) : 0 }

    /// The samples as one channel (channels averaged).
    public func mono() -> [Int16] {
        guard channels > 1 else { return samples }
        var out = [Int16](repeating: 0, count: frameCount)
        for f in 0..<frameCount {
            var sum = 0
            for c in 0..<channels { sum += Int(samples[f * channels + c]) }
            out[f] = Int16(sum / channels)
        }
        return out
    }
}
