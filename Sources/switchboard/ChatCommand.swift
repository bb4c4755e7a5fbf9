import ArgumentParser

struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chat", abstract: "Send one caller turn to the model and write the spoken reply.")

    func run() async throws {
        throw ValidationError("`chat` is not built yet.")
    }
}
