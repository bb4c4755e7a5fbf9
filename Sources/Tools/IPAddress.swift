#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address and what kind of network it belongs to, for the webhook SSRF guard.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 bytes (IPv6), network order.
    public let bytes: [UInt8]

    public enum Kind: String, Sendable, Hashable {
        case global
        case privateNetwork = "private"
        case loopback
        case linkLocal = "link-local"
        case metadata = "cloud metadata"
        /// Unspecified, multicast, broadcast, reserved: never a webhook.
        case special
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses a literal (`192.0.2.1`, `2001:db8::1`, `[::1]`).
    public init?(_ text: String) {
        var literal = text
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        for index in stride(from: 0, to: 16, by: 2) {
            groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16))
        }
        return groups.joined(separator: ":")
    }

    static let metadataV4: Set<[UInt8]> = [
        [169, 254, 169, 254],  // AWS, GCP, Azure, OpenStack instance metadata
        [169, 254, 170, 2],  // AWS ECS task metadata
        [100, 100, 100, 200],  // Alibaba Cloud metadata
        [168, 63, 129, 16],  // Azure wire server
    ]
    /// fd00:ec2::254, AWS instance metadata over IPv6.
    static let metadataV6: [UInt8] = [0xfd, 0, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54]

    public var kind: Kind {
        isIPv4 ? Self.kindV4(bytes) : kindV6
    }

    private static func kindV4(_ b: [UInt8]) -> Kind {
        if metadataV4.contains(b) { return .metadata }
        switch (b[0], b[1]) {
        case (0, _): return .special
        case (127, _): return .loopback
        case (10, _): return .privateNetwork
        case (172, 16...31): return .privateNetwork
        case (192, 168): return .privateNetwork
        case (100, 64...127): return .privateNetwork  // carrier-grade NAT
        case (169, 254): return .linkLocal
        case (224...255, _): return .special  // multicast, reserved, broadcast
        default: return .global
        }
    }

    private var kindV6: Kind {
        let b = bytes
        if b == Self.metadataV6 { return .metadata }
        if b.allSatisfy({ $0 == 0 }) { return .special }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
        // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d
        if b[0..<10].allSatisfy({ $0 == 0 }) && ((b[10] == 0xff && b[11] == 0xff) || (b[10] == 0 && b[11] == 0)) {
            return Self.kindV4(Array(b[12..<16]))
        }
        // NAT64 64:ff9b::/96 embeds an IPv4 address.
        if b[0] == 0, b[1] == 0x64, b[2] == 0xff, b[3] == 0x9b, b[4..<12].allSatisfy({ $0 == 0 }) {
            return Self.kindV4(Array(b[12..<16]))
        }
        // 6to4 2002:V4ADDR::/48
        if b[0] == 0x20, b[1] == 0x02 { return Self.kindV4(Array(b[2..<6])) }
        if b[0] == 0xfe, b[1] & 0xc0 == 0x80 { return .linkLocal }  // fe80::/10
        if b[0] & 0xfe == 0xfc { return .privateNetwork }  // fc00::/7 unique local
        if b[0] == 0xff { return .special }  // multicast
        return .global
    }
}
