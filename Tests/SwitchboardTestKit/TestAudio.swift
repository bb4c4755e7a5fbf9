import Audio
import Foundation
import SwitchboardCore

/// Real audio for tests, made at test time: speech from `espeak-ng`, tones and mixing from `sox`.
public enum TestAudio {
    public struct ToolError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs an executable from PATH (`/usr/bin/env tool args…`); throws with its stderr if it fails, and with
    /// "… is not installed: run deploy/setup.sh" when it is one of the peers setup.sh installs and is missing.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) throws -> String {
        if let peer = [RequiredPeer.espeakNG, .sox, .sipp, .baresip, .kamailio, .tshark].first(where: { $0.name == tool }) {
            try RequiredPeer.require([peer])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let msg = String(decoding: errData, as: UTF8.self)
            throw ToolError(
                description: "\(tool) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(msg)"
            )
        }
        return String(decoding: outData, as: UTF8.self)
    }

    /// `text` spoken by espeak-ng, resampled by sox to `sampleRate`, 16-bit mono, read back as samples.
    public static func speech(
        _ text: String, sampleRate: Int = 8000, in dir: TemporaryDirectory, voice: String = "en", speed: Int = 160
    ) throws -> [Int16] {
        let name = UUID().uuidString
        let raw = dir.file("\(name)-espeak.wav")
        let out = dir.file("\(name).wav")
        try run("espeak-ng", ["-v", voice, "-s", "\(speed)", "-w", raw, text])
        try run("sox", ["-D", raw, "-r", "\(sampleRate)", "-b", "16", "-c", "1", out])
        return try WAVFile.read(path: out).samples
    }

    /// Writes samples as a 16-bit mono WAV file and returns its path.
    @discardableResult
    public static func write(_ samples: [Int16], sampleRate: Int, to path: String) throws -> String {
        try WAVFile.write(WAVAudio(sampleRate: sampleRate, samples: samples), path: path)
        return path
    }

    /// About 30 s of varied espeak-ng speech at 8 kHz, made once per test run and cached.
    public static func longSpeech() throws -> [Int16] {
        try longSpeechCache.get()
    }

    private static let longSpeechCache: Result<[Int16], any Error> = Result {
        let dir = try TemporaryDirectory(prefix: "speech-cache")
        defer { dir.remove() }
        var all: [Int16] = []
        for (i, text) in longSpeechTexts.enumerated() {
            let voice = ["en", "en-us", "en+f3", "en-gb-x-rp"][i % 4]
            all += try speech(text, sampleRate: 8000, in: dir, voice: voice, speed: 150 + 10 * (i % 3))
        }
        return all
    }

    static let longSpeechTexts = [
        "Thank you for calling. Please listen carefully, as our menu options have recently changed.",
        "For account balances and recent payments, press one. To report a lost or stolen card, press two.",
        "I would like to check the status of my order. It was placed last Tuesday and has not arrived yet.",
        "My account number is four seven nine two, eight one six three, and my zip code is nine four one zero seven.",
        "Could you please transfer me to a representative? I have been waiting on hold for quite some time.",
        "The quick brown fox jumps over the lazy dog while the orchestra plays a gentle melody in the distance.",
        "We are experiencing higher than normal call volumes. Your call is important to us. Please stay on the line.",
        "Hello, hello, can you hear me? The line is very noisy today. Oh, there you are. Yes, I am still here.",
        "Singing, humming and whistling: la la la, doo be doo, mmmmmm, ooooh, eeeee, aaaah.",
    ]

    /// White noise (uniform, seeded) with the given RMS in 16-bit units.
    public static func whiteNoise(count: Int, rms: Double, seed: UInt64 = 42) -> [Int16] {
        var rng = SplitMix64(seed: seed)
        let peak = rms * 3.0.squareRoot()  // uniform on [-p, p] has RMS p/√3
        return (0..<count).map { _ in ToneGenerator.clip((rng.nextUnit() * 2 - 1) * peak) }
    }

    /// RMS of samples (16-bit units).
    public static func rms(_ samples: some Collection<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sum = samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// Mixes `noise` into `signal` (sample by sample, clipped).
    public static func mix(_ signal: [Int16], _ noise: [Int16]) -> [Int16] {
        zip(signal, noise).map { ToneGenerator.clip(Double($0) + Double($1)) }
    }

    /// Level of a sine in `samples` at `frequency` (RMS, 16-bit units) by single-bin DFT.
    public static func toneRMS(_ samples: [Int16], frequency: Double, sampleRate: Int) -> Double {
        var re = 0.0
        var im = 0.0
        let w = 2 * Double.pi * frequency / Double(sampleRate)
        for (i, s) in samples.enumerated() {
            re += Double(s) * cos(w * Double(i))
            im += Double(s) * sin(w * Double(i))
        }
        let amplitude = 2 * (re * re + im * im).squareRoot() / Double(max(1, samples.count))
        return amplitude / 2.0.squareRoot()
    }
}

/// A tiny deterministic PRNG for reproducible noise.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
