import ArgumentParser
import Foundation
import Server

/// `switchboard model-server`: recorded cassettes served as an OpenAI-compatible endpoint.
struct ModelServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model-server",
        abstract: "Serve recorded cassettes as an OpenAI-compatible /v1/chat/completions endpoint.",
        discussion: """
            Each request is answered with the next recorded response, streamed with its recorded chunking and \
            timing. Point a client at it with OPENAI_BASE_URL=http://127.0.0.1:PORT/v1.
            """
    )

    @Option(help: "A fixture's cassette folder, a fixture folder, or a folder of fixtures.")
    var cassettes: String

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 8000

    func run() async throws {
        let server = try CassetteServer.load(path: cassettes)
        try await server.run(port: port) { port in
            print("model-server: \(server.exchanges.count) recorded responses on http://127.0.0.1:\(port)/v1")
            fflush(nil)
        }
    }
}
