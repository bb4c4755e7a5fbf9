import ArgumentParser

struct BenchModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "model", abstract: "Model stream decode and resample per second of audio.")

    func run() async throws {
        throw ValidationError("`model` is not built yet.")
    }
}
