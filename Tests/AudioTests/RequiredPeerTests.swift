// The kit's `.requires(…)` trait: a missing peer fails the test with what to run, never skips it.
import Testing
import SwitchboardTestKit

@Suite struct RequiredPeerTests {
    static let missing = RequiredPeer(name: "no-such-peer", path: "/nonexistent/no-such-peer")

    @Test func aMissingPeerIsAnErrorThatSaysWhatToRun() {
        #expect(!Self.missing.isInstalled)
        let error = #expect(throws: PeerMissing.self) { try RequiredPeer.require([Self.missing]) }
        #expect(error?.description == "no-such-peer (/nonexistent/no-such-peer) is not installed: run deploy/setup.sh")
    }

    @Test func theTraitFailsTheTestInsteadOfRunningIt() async throws {
        let test = try #require(Test.current)
        let ran = RanBox()
        await #expect(throws: PeerMissing.self) {
            try await RequiresPeersTrait(peers: [Self.missing]).provideScope(for: test, testCase: nil) { ran.mark() }
        }
        #expect(!ran.value)
        // Installed peers let the test run.
        try await RequiresPeersTrait(peers: []).provideScope(for: test, testCase: nil) { ran.mark() }
        #expect(ran.value)
    }
}

final class RanBox: @unchecked Sendable {
    // @unchecked: written and read by the one test, in order.
    private(set) var value = false
    func mark() { value = true }
}
