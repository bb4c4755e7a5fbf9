import Foundation
import Testing
@testable import Flows

/// Fuzz-ish robustness: random bytes, truncations and byte flips of the example flows must never crash or
/// hang the loader, and every loaded result is either a flow or a list of diagnostics.
@Suite struct FuzzTests {
    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static let examples = ["support.yaml", "appointments.yaml", "after-hours.yaml"]

    func load(_ bytes: [UInt8]) {
        let result = FlowLoader.load(data: Data(bytes), file: "fuzz.yaml")
        #expect(result.flow != nil || !result.diagnostics.isEmpty)
    }

    @Test func randomBytes() {
        var random = Random(state: 0x9E37_79B9_7F4A_7C15)
        let alphabet = Array("ab:- \n\"'{}[],&*!|>#%@`?~0123456789\t\\".utf8)
        for round in 0..<1_000 {
            let count = random.below(200)
            let bytes: [UInt8] = (0..<count).map { _ in
                round % 2 == 0 ? UInt8(truncatingIfNeeded: random.next()) : alphabet[random.below(alphabet.count)]
            }
            load(bytes)
        }
    }

    @Test(arguments: examples)
    func truncationsOfExamples(_ name: String) throws {
        let bytes = [UInt8](try RepoFiles.example(name))
        for end in stride(from: 0, through: bytes.count, by: 13) {
            load(Array(bytes[0..<end]))
        }
    }

    @Test(arguments: examples)
    func byteFlipsOfExamples(_ name: String) throws {
        let original = [UInt8](try RepoFiles.example(name))
        var random = Random(state: UInt64(original.count) &* 2_654_435_761)
        let specials = Array(":-{}[]&*|>\"'\n #".utf8)
        for _ in 0..<120 {
            var bytes = original
            for _ in 0..<(1 + random.below(4)) {
                let index = random.below(bytes.count)
                bytes[index] = random.below(3) == 0 ? UInt8(truncatingIfNeeded: random.next()) : specials[random.below(specials.count)]
            }
            load(bytes)
        }
    }

    @Test func knownHostileInputs() {
        let inputs = [
            "? ?", "? ? ?", "&a [*a]", "*a", "!!binary AAAA", "a: !!int x", "%YAML 1.1\n---\na: 1", "---\n---\n",
            "a: |\n b\n  c", "[", "{", "\u{FEFF}name: bom", "name: \"\\uD800\"", String(repeating: "- ", count: 5_000) + "x",
            String(repeating: "a:\n ", count: 3_000) + "b",
        ]
        for input in inputs { load(Array(input.utf8)) }
    }
}
