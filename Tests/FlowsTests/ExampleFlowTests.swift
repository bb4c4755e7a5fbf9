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
