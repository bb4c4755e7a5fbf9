import ArgumentParser

struct AudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audio", abstract: "Convert audio, detect DTMF and speech in WAV files.")

    func run() async throws {
        throw ValidationError("`audio` is not built yet.")
    }
}
