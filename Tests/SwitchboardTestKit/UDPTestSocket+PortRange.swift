// SwitchboardTestKit: a range of free UDP ports for a service's RTP (`sip.rtp_ports`), found from the kernel: it
// starts at a port the kernel handed out for port 0, and every port in it was bound on 127.0.0.1 a moment ago
// (all at once, then released). Never a random number: those collided with other tests' ephemeral ports.
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension UDPTestSocket {
    /// `count` consecutive UDP ports (starting even, for RTP/RTCP pairs) that were all free just now.
    public static func freePortRange(count: Int) throws -> ClosedRange<Int> {
        for _ in 0..<50 {
            let first = try UDPTestSocket().port & ~1
            guard first + count - 1 <= 65_535 else { continue }
            var held: [Int32] = []
            defer { for fd in held { close(fd) } }
            for port in first..<(first + count) {
                guard let fd = bindUDP(port: port) else { break }
                held.append(fd)
            }
            if held.count == count { return first...(first + count - 1) }
        }
        throw Failure(description: "no \(count) consecutive free UDP ports after 50 tries")
    }

    /// `freePortRange(count:)` as `sip.rtp_ports` writes it (`low-high`).
    public static func freeRTPPorts(count: Int = 100) throws -> String {
        let range = try freePortRange(count: count)
        return "\(range.lowerBound)-\(range.upperBound)"
    }

    /// A UDP socket bound to 127.0.0.1:`port`, or nil when the port is taken.
    static func bindUDP(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
