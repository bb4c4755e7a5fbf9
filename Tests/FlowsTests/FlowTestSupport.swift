import Foundation
import Testing
@testable import Flows

/// Paths of files inside the repository (tests never read outside it).
enum RepoFiles {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let root = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("flows/\(name)"))
    }

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: testsDirectory.appendingPathComponent("Fixtures/\(name)"))
    }
}

/// Loads YAML text; returns the diagnostics as `line:column: message` strings.
func problems(_ yaml: String, file: String = "test.yaml") -> [String] {
    FlowLoader.load(data: Data(yaml.utf8), file: file).diagnostics.map { "\($0.position): \($0.message)" }
}

/// Loads YAML text that must be valid.
func validFlow(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Flow {
    let result = FlowLoader.load(data: Data(yaml.utf8), file: "test.yaml")
    #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))", sourceLocation: sourceLocation)
    return try #require(result.flow, sourceLocation: sourceLocation)
}
