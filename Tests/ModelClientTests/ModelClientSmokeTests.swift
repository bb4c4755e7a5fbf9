import Testing
@testable import ModelClient

@Suite struct ModelClientSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
