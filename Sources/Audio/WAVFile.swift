import Foundation

/// WAV serialization (16-bit PCM RIFF) and the module's only file I/O: reading and writing WAV files.
public enum WAVFile {
    /// RIFF/WAVE bytes of 16-bit little-endian PCM with a 44-byte header.
    public static func serialize(_ audio: WAVAudio) -> [UInt8] {
        let dataSize = audio.samples.count * 2
        var out: [UInt8] = []
        out.reserveCapacity(44 + dataSize)
        func u32(_ v: Int) {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) }
        }
        func u16(_ v: Int) {
            withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) }
        }
        out.append(contentsOf: Array("RIFF".utf8))
        u32(36 + dataSize)
        out.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16)
        u16(1)
        u16(audio.channels)
        u32(audio.sampleRate)
        u32(audio.sampleRate * audio.channels * 2)
        u16(audio.channels * 2)
        u16(16)
        out.append(contentsOf: Array("data".utf8))
        u32(dataSize)
        for s in audio.samples { u16(Int(s)) }
        return out
    }

    /// Reads and parses a WAV file.
    public static func read(path: String) throws(AudioError) -> WAVAudio {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw AudioError(.io, "cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try WAVParser.parse([UInt8](data))
        } catch {
            throw AudioError(error.code, "\(path): \(error.message)")
        }
    }

    /// Writes 16-bit PCM WAV.
    public static func write(_ audio: WAVAudio, path: String) throws(AudioError) {
        do {
            try Data(serialize(audio)).write(to: URL(fileURLWithPath: path))
        } catch {
            throw AudioError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }
}
