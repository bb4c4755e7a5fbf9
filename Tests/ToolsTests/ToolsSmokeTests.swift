import Testing
@testable import Tools

@Suite struct ToolsSmokeTests {
    @Test func moduleLoads() {
        #expect(ToolsModule.webhookEnvelopeVersion == 1)
    }
}
