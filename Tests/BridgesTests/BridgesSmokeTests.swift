import Testing

@testable import Bridges

@Suite struct BridgesSmokeTests {
    @Test func moduleLoads() { #expect(Bool(true)) }
}
