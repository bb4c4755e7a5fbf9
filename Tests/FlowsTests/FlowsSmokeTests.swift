import Testing
@testable import Flows

@Suite struct FlowsSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
