// `switchboard audio …`: look at and convert WAV files the way the media path does (codec round trips,
// DTMF detection, voice activity detection). The work is done by Audio's `AudioTools`.
import ArgumentParser
import Audio

struct AudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio",
        abstract: "Convert audio, detect DTMF and speech in WAV files.",
        subcommands: [Convert.self, Dtmf.self, Vad.self]
    )

    struct Convert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resample to --rate, round-trip through --codec, write 16-bit mono PCM WAV.")

        @Argument(help: "Input WAV (16/8-bit PCM, µ-law or A-law, any rate, mono or stereo).") var input: String
        @Argument(help: "Output WAV (16-bit PCM, mono).") var output: String
        @Option(help: "Output sample rate in Hz (default: 8000 for pcmu/pcma, else the input's).") var rate: Int?
        @Option(help: "Codec to pass the audio through: pcmu, pcma or opus.") var codec: String?

        func validate() throws {
            if let codec, AudioTools.Codec(rawValue: codec) == nil {
                throw ValidationError("unknown codec '\(codec)' (use pcmu, pcma or opus)")
            }
        }

        func run() async throws {
            let audio = try WAVFile.read(path: input)
            let out = try AudioTools.convert(audio, rate: rate, codec: codec.flatMap(AudioTools.Codec.init(rawValue:)))
            try WAVFile.write(out, path: output)
        }
    }

    struct Dtmf: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dtmf", abstract: "Print the DTMF digits found in a WAV file on one line (e.g. 159#).")

        @Argument(help: "Input WAV.") var input: String
        @Flag(help: "Also print each digit's start time in ms, one per line.") var times = false

        func run() async throws {
            let digits = AudioTools.detectDigits(try WAVFile.read(path: input))
            print(String(digits.map(\.digit)))
            if times { for d in digits { print("\(d.digit) \(d.startMs)") } }
        }
    }

    struct Vad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vad", abstract: "Print one line per utterance: start_ms end_ms.")

        @Argument(help: "Input WAV.") var input: String
        @Option(help: "Silence that ends an utterance, in ms.") var silenceMs = 500

        func run() async throws {
            guard silenceMs > 0 else { throw ValidationError("--silence-ms must be positive") }
            let audio = try WAVFile.read(path: input)
            let config = VoiceActivityDetector.Configuration(endSilenceMs: silenceMs)
            for u in AudioTools.detectUtterances(audio, configuration: config) { print("\(u.startMs) \(u.endMs)") }
        }
    }
}
