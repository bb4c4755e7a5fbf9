import ArgumentParser

struct CallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calls", abstract: "Read the call log.")

    func run() async throws {
        throw ValidationError("`calls` is not built yet.")
    }
}
