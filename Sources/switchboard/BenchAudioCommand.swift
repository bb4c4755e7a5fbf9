import ArgumentParser

struct BenchAudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audio", abstract: "Audio codecs, resampler, DTMF, VAD per 20 ms frame.")

    func run() async throws {
        throw ValidationError("`audio` is not built yet.")
    }
}
