// The peers an integration test needs (sipp, kamailio, baresip, espeak-ng, sox, tshark). deploy/setup.sh
// installs them all, so a missing one is a broken machine, not a reason to skip: a suite or test carrying
// `.requires(.sipp)` FAILS each of its tests with "sipp is not installed (/usr/bin/sipp): run deploy/setup.sh"
// instead of being skipped silently (a skipped test cannot fail).
import Foundation
public import Testing

/// An external program a test runs, and where deploy/setup.sh puts it.
public struct RequiredPeer: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }

    public static let sipp = RequiredPeer(name: "sipp", path: "/usr/bin/sipp")
    public static let kamailio = RequiredPeer(name: "kamailio", path: "/usr/sbin/kamailio")
    public static let baresip = RequiredPeer(name: "baresip", path: "/usr/bin/baresip")
    public static let espeakNG = RequiredPeer(name: "espeak-ng", path: "/usr/bin/espeak-ng")
    public static let sox = RequiredPeer(name: "sox", path: "/usr/bin/sox")
    public static let tshark = RequiredPeer(name: "tshark", path: "/usr/bin/tshark")

    public var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: path) }

    public var description: String { name }

    /// Throws (failing the test) unless every peer is installed.
    public static func require(_ peers: [RequiredPeer]) throws {
        let missing = peers.filter { !$0.isInstalled }
        guard !missing.isEmpty else { return }
        throw PeerMissing(peers: missing)
    }
}

/// The error a test fails with when a peer it needs is not installed.
public struct PeerMissing: Error, CustomStringConvertible {
    public let peers: [RequiredPeer]

    public var description: String {
        let list = peers.map { "\($0.name) (\($0.path))" }.joined(separator: ", ")
        return "\(list) \(peers.count == 1 ? "is" : "are") not installed: run deploy/setup.sh"
    }
}

/// The trait behind `.requires(…)`: checked before each test of the suite (or the test) it is attached to.
public struct RequiresPeersTrait: SuiteTrait, TestTrait, TestScoping {
    public let peers: [RequiredPeer]

    public init(peers: [RequiredPeer]) {
        self.peers = peers
    }

    public var isRecursive: Bool { true }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        // Once per test function (not again for the suite as a whole).
        test.isSuite ? nil : self
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try RequiredPeer.require(peers)
        try await function()
    }
}

extension Trait where Self == RequiresPeersTrait {
    /// The test (every test of the suite) needs these programs and fails, saying so, when one is missing.
    public static func requires(_ peers: RequiredPeer...) -> Self { RequiresPeersTrait(peers: peers) }
}
