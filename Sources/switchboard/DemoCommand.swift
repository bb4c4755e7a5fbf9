import ArgumentParser

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Place a complete call on this machine, offline.")

    func run() async throws {
        throw ValidationError("`demo` is not built yet.")
    }
}
