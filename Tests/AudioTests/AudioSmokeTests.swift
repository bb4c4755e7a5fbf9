import Testing
@testable import Audio

@Suite struct AudioSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
