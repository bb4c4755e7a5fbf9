// CallWiring: synthesized prompts kept on disk, so a prompt the speech endpoint spoke once is never requested
// again, also after a restart. One WAV per (text, voice, model, rate) at the endpoint's own rate, named by a
// hash of the key, with the key itself beside it (`.key`): a hash collision or a foreign file is a miss, never
// the wrong prompt. Writes go to a temporary file renamed into place, so a crash leaves no half file.
public import Audio
import Foundation

public struct SpeechDiskCache: Sendable {
    public struct Key: Sendable, Hashable {
        public var text: String
        public var voice: String
        public var model: String
        public var rate: Int

        public init(text: String, voice: String, model: String, rate: Int) {
            self.text = text
            self.voice = voice
            self.model = model
            self.rate = rate
        }

        /// The exact key text stored beside the audio.
        var canonical: String { "v1\n\(model)\n\(voice)\n\(rate)\n\(text)" }

        /// Two independent 64-bit FNV-1a hashes of the key (128 bits, hex).
        var fileStem: String {
            var a: UInt64 = 0xcbf2_9ce4_8422_2325
            var b: UInt64 = 0x6c62_272e_07bb_0142
            for byte in canonical.utf8 {
                a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
                b = (b ^ UInt64(byte ^ 0x5a)) &* 0x0000_0100_0000_01b3
            }
            return String(format: "%016llx%016llx", a, b)
        }
    }

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public func path(for key: Key) -> String { (directory as NSString).appendingPathComponent(key.fileStem + ".wav") }

    /// The cached audio for `key`, or nil (missing, unreadable, or stored for another key).
    public func load(_ key: Key) -> WAVAudio? {
        let audioPath = path(for: key)
        guard let stored = FileManager.default.contents(atPath: keyPath(for: key)),
            String(decoding: stored, as: UTF8.self) == key.canonical,
            let audio = try? WAVFile.read(path: audioPath), audio.frameCount > 0
        else { return nil }
        return audio
    }

    /// Stores `audio` for `key`; errors (read-only disk, full disk) are returned, the call goes on without.
    @discardableResult
    public func store(_ audio: WAVAudio, for key: Key) -> (any Error)? {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = (directory as NSString).appendingPathComponent(".\(key.fileStem)-\(UUID().uuidString).tmp")
            try Data(WAVFile.serialize(audio)).write(to: URL(fileURLWithPath: temporary))
            try Data(key.canonical.utf8).write(to: URL(fileURLWithPath: keyPath(for: key)), options: .atomic)
            if FileManager.default.fileExists(atPath: path(for: key)) { try? FileManager.default.removeItem(atPath: path(for: key)) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path(for: key))
            return nil
        } catch {
            return error
        }
    }

    private func keyPath(for key: Key) -> String {
        (directory as NSString).appendingPathComponent(key.fileStem + ".key")
    }
}
