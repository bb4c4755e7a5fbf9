import Foundation
import Testing
@testable import Flows

@Suite struct ExampleFlowTests {
    @Test(arguments: ["support.yaml", "appointments.yaml", "after-hours.yaml"])
    func exampleIsValid(_ name: String) throws {
        let result = FlowLoader.load(data: try RepoFiles.example(name), file: "flows/\(name)")
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.flow != nil)
    }
}

@Suite struct DocsExampleTests {
    /// The first YAML block of docs/flows.md is a complete flow and must stay valid.
    @Test func firstDocsExampleIsValid() throws {
        let text = try String(contentsOf: RepoFiles.root.appendingPathComponent("docs/flows.md"), encoding: .utf8)
        let start = try #require(text.range(of: "```yaml\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let yaml = String(text[start.upperBound..<end.lowerBound])
        let result = FlowLoader.load(data: Data(yaml.utf8), file: "docs/flows.md")
        #expect(result.diagnostics.map(\.description) == [])
    }
}
