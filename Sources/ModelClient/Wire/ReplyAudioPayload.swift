// Wire (pure, Foundation only): turns reply audio bytes into samples: raw pcm16 little-endian, or a WAV file
// as non-streamed replies send it. Providers write WAV headers with unknown sizes (0xFFFFFFFF, see the seeds),
// so the reader is lenient: a data chunk that claims more than there is takes the rest of the file.
public import Foundation

/// Decoded reply audio: mono 16-bit samples and their rate.
public struct ReplyAudioPayload: Sendable, Equatable {
    public var samples: [Int16]
    public var sampleRate: Int

    public init(samples: [Int16], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Little-endian pcm16 bytes to samples (an odd trailing byte is dropped).
    public static func pcm16Samples(_ bytes: some Collection<UInt8>) -> [Int16] {
        var samples: [Int16] = []
        samples.reserveCapacity(bytes.count / 2)
        var iterator = bytes.makeIterator()
        while let low = iterator.next(), let high = iterator.next() {
            samples.append(Int16(bitPattern: UInt16(low) | UInt16(high) << 8))
        }
        return samples
    }

    /// Reads `data` as WAV when it starts with "RIFF", otherwise as pcm16 at `defaultRate`.
    public static func decode(_ data: Data, defaultRate: Int) throws(ReplyAudioError) -> ReplyAudioPayload {
        let bytes = [UInt8](data)
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8) else {
            return ReplyAudioPayload(samples: pcm16Samples(bytes), sampleRate: defaultRate)
        }
        guard bytes[8..<12].elementsEqual("WAVE".utf8) else { throw ReplyAudioError("RIFF file is not WAVE") }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = bytes[offset..<offset + 4]
            let size = Int(littleEndian32(bytes, offset + 4))
            let body = offset + 8
            if id.elementsEqual("fmt ".utf8) {
                guard body + 16 <= bytes.count else { throw ReplyAudioError("WAV fmt chunk is truncated") }
                format = (
                    Int(littleEndian16(bytes, body)), Int(littleEndian16(bytes, body + 2)),
                    Int(littleEndian32(bytes, body + 4)), Int(littleEndian16(bytes, body + 14))
                )
            } else if id.elementsEqual("data".utf8) {
                guard let format else { throw ReplyAudioError("WAV data chunk before fmt chunk") }
                guard format.tag == 1 || format.tag == 0xFFFE, format.bits == 16 else {
                    throw ReplyAudioError("WAV reply is not 16-bit PCM (format \(format.tag), \(format.bits) bits)")
                }
                guard format.channels >= 1, format.rate > 0 else { throw ReplyAudioError("WAV reply has a bad fmt chunk") }
                let end = size > bytes.count - body ? bytes.count : body + size
                let interleaved = pcm16Samples(bytes[body..<end])
                return ReplyAudioPayload(samples: downmix(interleaved, channels: format.channels), sampleRate: format.rate)
            }
            guard size <= bytes.count - body else { break }
            offset = body + size + (size & 1)
        }
        throw ReplyAudioError("WAV reply has no data chunk")
    }

    private static func downmix(_ samples: [Int16], channels: Int) -> [Int16] {
        guard channels > 1 else { return samples }
        var mono: [Int16] = []
        mono.reserveCapacity(samples.count / channels)
        var index = 0
        while index + channels <= samples.count {
            var sum = 0
            for channel in 0..<channels { sum += Int(samples[index + channel]) }
            mono.append(Int16(sum / channels))
            index += channels
        }
        return mono
    }

    private static func littleEndian16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func littleEndian32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}

/// Reply audio that cannot be read.
public struct ReplyAudioError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
