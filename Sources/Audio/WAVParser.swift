/// Parses RIFF/WAVE bytes: 16-bit or 8-bit PCM, µ-law (format 7), A-law (format 6), WAVE_FORMAT_EXTENSIBLE,
/// any rate, 1…8 channels. Skips unknown chunks (LIST, fact, …) and honours odd-size padding. A malformed or
/// truncated file gives an `AudioError` naming what is wrong; it never traps.
public enum WAVParser {
    private struct Format {
        var tag: Int
        var channels: Int
        var sampleRate: Int
        var blockAlign: Int
        var bits: Int
    }

    public static func parse(_ bytes: [UInt8]) throws(AudioError) -> WAVAudio {
        guard bytes.count >= 12 else {
            throw AudioError(.wavTruncated, "file too short for a RIFF/WAVE header: \(bytes.count) bytes (need 12)")
        }
        let magic = fourCC(bytes, 0)
        guard magic == "RIFF" else {
            throw AudioError(.wavBadMagic, "not a RIFF file: starts with \(quoted(magic)), expected \"RIFF\"")
        }
        guard fourCC(bytes, 8) == "WAVE" else {
            throw AudioError(.wavBadMagic, "RIFF file is not WAVE: form type \(quoted(fourCC(bytes, 8)))")
        }
        var format: Format?
        var data: Range<Int>?
        var offset = 12
        while offset < bytes.count {
            guard bytes.count - offset >= 8 else {
                if format != nil, data != nil { break }  // trailing junk after a complete file
                throw AudioError(
                    .wavTruncated, "chunk header truncated at offset \(offset): \(bytes.count - offset) of 8 bytes")
            }
            let id = fourCC(bytes, offset)
            let size = Int(le32(bytes, offset + 4))
            let body = offset + 8
            let available = bytes.count - body
            if id == "data" {
                if size > available {
                    // Writers that cannot seek back leave a placeholder length (sox: 0x7FFFF000; others:
                    // 0xFFFFFFFF): the data runs to the end of the file.
                    guard size >= 0x7FFF_F000 else {
                        throw AudioError(.wavTruncated, "data chunk truncated: \(available) of \(size) bytes")
                    }
                    data = body..<bytes.count
                    break
                }
                data = body..<(body + size)
            } else if size > available {
                if id == "fmt " {
                    throw AudioError(.wavTruncated, "fmt chunk truncated: \(available) of \(size) bytes")
                }
                if format != nil, data != nil { break }
                throw AudioError(.wavTruncated, "\(quoted(id)) chunk truncated: \(available) of \(size) bytes")
            } else if id == "fmt " {
                format = try parseFormat(bytes[body..<(body + size)])
            }
            offset = body + size + (size & 1)
        }
        guard let format else { throw AudioError(.wavBadFormat, "no fmt chunk") }
        guard let data else { throw AudioError(.wavNoData, "no data chunk") }
        return decode(bytes[data], format)
    }

    private static func parseFormat(_ chunk: ArraySlice<UInt8>) throws(AudioError) -> Format {
        let b = Array(chunk)
        guard b.count >= 16 else {
            throw AudioError(.wavBadFormat, "fmt chunk too short: \(b.count) bytes (need 16)")
        }
        var f = Format(
            tag: Int(le16(b, 0)), channels: Int(le16(b, 2)), sampleRate: Int(le32(b, 4)),
            blockAlign: Int(le16(b, 12)), bits: Int(le16(b, 14)))
        if f.tag == 0xFFFE {
            guard b.count >= 40 else {
                throw AudioError(
                    .wavBadFormat, "WAVE_FORMAT_EXTENSIBLE fmt chunk too short: \(b.count) bytes (need 40)")
            }
            f.tag = Int(le16(b, 24))  // first two bytes of the SubFormat GUID
        }
        guard f.channels > 0 else { throw AudioError(.wavBadFormat, "fmt chunk says zero channels") }
        guard f.channels <= 8 else { throw AudioError(.wavUnsupported, "\(f.channels) channels (at most 8)") }
        guard f.sampleRate > 0 else { throw AudioError(.wavBadFormat, "fmt chunk says sample rate 0") }
        let supported = (f.tag == 1 && (f.bits == 16 || f.bits == 8)) || ((f.tag == 6 || f.tag == 7) && f.bits == 8)
        guard supported else {
            throw AudioError(
                .wavUnsupported,
                "unsupported WAV encoding: format tag \(f.tag) with \(f.bits) bits"
                    + " (need 16/8-bit PCM, µ-law or A-law)")
        }
        let expected = f.channels * f.bits / 8
        guard f.blockAlign == expected else {
            throw AudioError(
                .wavBadFormat,
                "fmt block align \(f.blockAlign) does not match \(f.channels) channel(s) × \(f.bits) bits"
                    + " (expected \(expected))")
        }
        return f
    }

    private static func decode(_ data: ArraySlice<UInt8>, _ f: Format) -> WAVAudio {
        let bytes = Array(data)
        let frames = bytes.count / f.blockAlign
        let n = frames * f.channels
        var samples = [Int16](repeating: 0, count: n)
        let encoding: WAVAudio.Encoding
        switch (f.tag, f.bits) {
        case (1, 16):
            encoding = .pcm16
            for i in 0..<n { samples[i] = Int16(bitPattern: le16(bytes, 2 * i)) }
        case (1, _):
            encoding = .pcm8
            for i in 0..<n { samples[i] = (Int16(bytes[i]) - 128) << 8 }
        case (7, _):
            encoding = .ulaw
            for i in 0..<n { samples[i] = G711.ulaw.decode(bytes[i]) }
        default:
            encoding = .alaw
            for i in 0..<n { samples[i] = G711.alaw.decode(bytes[i]) }
        }
        return WAVAudio(sampleRate: f.sampleRate, channels: f.channels, samples: samples, encoding: encoding)
    }

    private static func fourCC(_ b: [UInt8], _ at: Int) -> String {
        String(decoding: b[at..<at + 4].map { (32...126).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }

    private static func quoted(_ s: String) -> String { "\"\(s)\"" }

    private static func le16(_ b: [UInt8], _ at: Int) -> UInt16 {
        UInt16(b[at]) | UInt16(b[at + 1]) << 8
    }

    private static func le32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }
}
