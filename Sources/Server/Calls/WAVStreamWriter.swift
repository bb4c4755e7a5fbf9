// Server: a WAV file written as it grows (16-bit PCM, mono or interleaved stereo): a header with zero sizes first, samples appended
// through a 64 KiB buffer, the RIFF and data sizes fixed up on close. Used only from one serial queue
// (`CallerAudioRecorder`'s), hence @unchecked Sendable.
import Foundation
import Logging

final class WAVStreamWriter: @unchecked Sendable {
    let path: String
    let folder: String
    let sampleRate: Int
    let channels: Int
    let logger: Logger
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var dataBytes = 0
    private var failed = false
    static let flushBytes = 64 * 1024
    /// The data chunk's size field is 32 bits; past that, samples are dropped.
    static let maxDataBytes = Int(UInt32.max) - 64

    init(path: String, folder: String, sampleRate: Int, channels: Int = 1, logger: Logger) {
        self.path = path
        self.folder = folder
        self.sampleRate = sampleRate
        self.channels = max(1, channels)
        self.logger = logger
        buffer.reserveCapacity(Self.flushBytes + 4096)
    }

    func open() {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: path, contents: Data(Self.header(sampleRate: sampleRate, channels: channels, dataBytes: 0)))
            else {
                throw CocoaError(.fileWriteUnknown)
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.seekToEnd()
            self.handle = handle
        } catch {
            fail("cannot create the caller-audio recording", error)
        }
    }

    func append(_ samples: [Int16]) {
        guard handle != nil, dataBytes + samples.count * 2 <= Self.maxDataBytes else { return }
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            buffer.append(UInt8(truncatingIfNeeded: bits))
            buffer.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        dataBytes += samples.count * 2
        if buffer.count >= Self.flushBytes { flush() }
    }

    func appendSilence(_ count: Int) {
        var left = count
        while left > 0, handle != nil {
            let step = min(left, 8192)
            append([Int16](repeating: 0, count: step))
            left -= step
        }
    }

    /// Writes what is buffered, fixes the header's sizes and closes the file.
    func close() {
        flush()
        guard let handle else { return }
        do {
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: Self.header(sampleRate: sampleRate, channels: channels, dataBytes: dataBytes))
            try handle.close()
        } catch {
            fail("cannot finish the caller-audio recording", error)
        }
        self.handle = nil
    }

    private func flush() {
        guard let handle, !buffer.isEmpty else { return }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            fail("cannot write the caller-audio recording", error)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func fail(_ message: String, _ error: any Error) {
        if !failed {
            logger.error("\(message)", metadata: ["path": "\(path)", "error": "\(error)"])
        }
        failed = true
        try? handle?.close()
        handle = nil
    }

    /// The 44-byte RIFF/WAVE header of 16-bit PCM with `channels` interleaved channels.
    static func header(sampleRate: Int, channels: Int = 1, dataBytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(44)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { out.append(contentsOf: $0) } }
        out.append(contentsOf: Array("RIFF".utf8))
        u32(36 + dataBytes)
        out.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16)
        u16(1)
        u16(channels)
        u32(sampleRate)
        u32(sampleRate * 2 * channels)
        u16(2 * channels)
        u16(16)
        out.append(contentsOf: Array("data".utf8))
        u32(dataBytes)
        return out
    }
}
