// Flow voices against the provider's list (issue 17): `switchboard flows check --provider openai` fails a flow
// with `voice: en-us` (an espeak name) with a positioned message, passes it without `--provider`, and `serve`'s
// flow registry refuses the same file while a flow with `voice: alloy` loads.
import Foundation
import Server
import Testing

@Suite(.tags(.integration))
struct FlowVoiceCheckTests {
    static let flow = """
        name: voices
        start: hello
        steps:
          hello:
            say: "Hello."
            next: assistant
          assistant:
            agent:
              instructions: "Help."
              voice: en-us

        """

    static func run(_ binary: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func flowsCheckWithTheProviderRefusesAnEspeakVoiceWithItsPosition() throws {
        let binary = try #require(CallLogCrashTests.switchboardBinary(), "build the switchboard executable first")
        let folder = try TempFolder()
        defer { folder.remove() }
        let file = folder.path("voices.yaml")
        try Self.flow.write(toFile: file, atomically: true, encoding: .utf8)
        let checked = try Self.run(binary, ["flows", "check", "--provider", "openai", file])
        #expect(checked.status == 1, "\(checked.output)")
        #expect(
            checked.output.contains("\(file):10:14: voice `en-us` is not offered by provider openai (allowed: alloy, ash,"),
            "\(checked.output)")
        let plain = try Self.run(binary, ["flows", "check", file])
        #expect(plain.status == 0, "\(plain.output)")
        let unknown = try Self.run(binary, ["flows", "check", "--provider", "acme", file])
        #expect(unknown.status != 0 && unknown.output.contains("unknown provider 'acme'"), "\(unknown.output)")
    }

    @Test func serveRefusesAFlowWhoseVoiceTheProviderDoesNotOffer() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        try Self.flow.write(toFile: folder.path("bad.yaml"), atomically: true, encoding: .utf8)
        try Self.flow.replacingOccurrences(of: "voice: en-us", with: "voice: alloy")
            .write(toFile: folder.path("good.yaml"), atomically: true, encoding: .utf8)
        let registry = FlowRegistry(directory: folder.url.path, voices: ["alloy", "ash"], provider: "openai")
        let report = registry.reload()
        #expect(report.loaded.map { ($0 as NSString).lastPathComponent } == ["good.yaml"])
        let problems = report.refused[folder.path("bad.yaml")] ?? []
        #expect(problems == ["\(folder.path("bad.yaml")):10:14: voice `en-us` is not offered by provider openai (allowed: alloy, ash)"], "\(problems)")
    }
}
