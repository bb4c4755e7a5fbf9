import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Answer SIP calls and run call flows.")

    func run() async throws {
        throw ValidationError("`serve` is not built yet.")
    }
}
