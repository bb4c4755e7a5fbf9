import Testing
@testable import RTP

@Suite struct RTPSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
