import Testing
@testable import CallLog

@Suite struct CallLogSmokeTests {
    @Test func moduleLoads() {
        #expect(Bool(true))
    }
}
