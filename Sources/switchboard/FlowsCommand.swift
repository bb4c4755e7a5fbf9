import ArgumentParser

struct FlowsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flows", abstract: "Check call flow files.")

    func run() async throws {
        throw ValidationError("`flows` is not built yet.")
    }
}
