import Testing
@testable import SIP

@Suite struct SIPSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
