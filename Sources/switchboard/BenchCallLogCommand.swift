import ArgumentParser

struct BenchCallLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calllog", abstract: "Call-log write rate.")

    func run() async throws {
        throw ValidationError("`calllog` is not built yet.")
    }
}
