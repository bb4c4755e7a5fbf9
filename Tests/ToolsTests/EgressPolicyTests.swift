import Foundation
import Testing
@testable import Tools

/// The webhook SSRF guard: allow-list, metadata names and addresses, every resolved address checked.
@Suite struct EgressPolicyTests {
    @Test func ssrfGuardRefusesMetadataAndHostsOffTheList() async throws {
        let policy = EgressPolicy(allowedHosts: ["hooks.example.com", "169.254.169.254", "*.corp.example"])
        let fixedResolver: EgressPolicy.Resolver = { host in
            switch host {
            case "hooks.example.com": [IPAddress("93.184.215.14")].compactMap { $0 }
            case "evil.corp.example": [IPAddress("93.184.215.15"), IPAddress("10.0.0.5")].compactMap { $0 }
            case "v6.corp.example": [IPAddress("::ffff:169.254.169.254")].compactMap { $0 }
            default: []
            }
        }
        let refused = [
            "http://169.254.169.254/latest/meta-data/",  // allow-listed by mistake: still refused
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://attacker.example.net/hook",
            "http://evil.corp.example/hook",  // one private address among the answers
            "http://v6.corp.example/hook",  // IPv4-mapped metadata address
            "file:///etc/passwd",
            "http://user:pw@hooks.example.com/x",
        ]
        for url in refused {
            await #expect(throws: EgressPolicy.Refusal.self, "\(url)") {
                try await policy.check(url, resolve: fixedResolver)
            }
        }
        let allowed = try await policy.check("https://hooks.example.com/x", resolve: fixedResolver)
        #expect(allowed.host == "hooks.example.com")
        // Loopback needs allowPrivateAddresses, even when listed.
        let loopbackListed = EgressPolicy(allowedHosts: ["localhost"])
        await #expect(throws: EgressPolicy.Refusal.self) { try await loopbackListed.check("http://localhost:8080/") }
    }

    @Test(arguments: [
        ("169.254.169.254", IPAddress.Kind.metadata), ("169.254.1.1", .linkLocal), ("fe80::1", .linkLocal),
        ("127.0.0.1", .loopback), ("::1", .loopback), ("10.1.2.3", .privateNetwork), ("172.20.0.1", .privateNetwork),
        ("192.168.1.1", .privateNetwork), ("100.64.0.1", .privateNetwork), ("fd12::1", .privateNetwork),
        ("0.0.0.0", .special), ("224.0.0.1", .special), ("::", .special), ("fd00:ec2::254", .metadata),
        ("64:ff9b::a9fe:a9fe", .metadata), ("93.184.215.14", .global), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", .global),
    ])
    func addressKinds(address: String, kind: IPAddress.Kind) throws {
        #expect(try #require(IPAddress(address)).kind == kind)
    }

    @Test func systemResolverResolvesLocalhost() async throws {
        let addresses = try await SystemResolver.resolve("localhost")
        #expect(addresses.contains { $0.kind == .loopback })
    }
}
