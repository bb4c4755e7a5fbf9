import ArgumentParser

struct BenchSIPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sip", abstract: "SIP parse/serialize and RTP per packet.")

    func run() async throws {
        throw ValidationError("`sip` is not built yet.")
    }
}
