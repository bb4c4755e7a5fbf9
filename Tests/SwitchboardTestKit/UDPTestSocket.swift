// SwitchboardTestKit: the one blocking UDP test socket (a SIP/RTP peer a test fully controls) and the one way to
// get a free UDP port: bind port 0 on 127.0.0.1 and read back what the kernel chose (never a guessed number).
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking IPv4 UDP socket bound to an ephemeral port on 127.0.0.1.
public final class UDPTestSocket: @unchecked Sendable {
    // @unchecked: the descriptor is used by one test at a time; close happens in deinit.
    public let fd: Int32
    public let port: Int

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public init(receiveTimeoutMs: Int = 200) throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            throw Failure(description: "bind() failed")
        }
        var timeout = timeval(tv_sec: receiveTimeoutMs / 1000, tv_usec: (receiveTimeoutMs % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var name = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &name) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: name.sin_port))
    }

    deinit { close(fd) }

    /// A UDP port the kernel handed out for port 0 just now, for a peer that must be told its port up front
    /// (sipp's `-p`, a child `serve`'s SIP port). The socket is closed on return, so hand it over at once.
    /// The port is also free for a TCP listener (`serve` listens on TCP on its SIP port too, and a UDP port can
    /// be a live TCP connection's local port at the same moment).
    public static func freePort() throws -> Int {
        for _ in 0..<50 {
            let port = try UDPTestSocket().port
            if tcpListenable(port) { return port }
        }
        throw Failure(description: "no port free for both UDP and TCP after 50 tries")
    }

    /// An even UDP port P with P, P+1, P+2 and P+3 free just now, for sipp's `-mp` (sipp binds its audio RTP
    /// on P and its video RTP on P+2; a kernel-chosen single port often has a busy neighbour on a loaded machine).
    public static func freeMediaPort() throws -> Int {
        for _ in 0..<50 {
            let base = try UDPTestSocket().port & ~1
            guard base > 1024, base + 3 <= 65535 else { continue }
            if (base...(base + 3)).allSatisfy(udpBindable) { return base }
        }
        throw Failure(description: "no four free UDP ports in a row after 50 tries")
    }

    /// Whether a UDP socket can bind 127.0.0.1:`port` now.
    static func udpBindable(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Whether a TCP listener (SO_REUSEADDR, as the SIP TCP transport sets it) can bind 127.0.0.1:`port` now.
    static func tcpListenable(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0 && listen(fd, 1) == 0
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    public func send(_ bytes: [UInt8], to port: Int) {
        var address = Self.loopback(port: port)
        _ = bytes.withUnsafeBytes { raw in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
    }

    public func send(_ text: String, to port: Int) { send(Array(text.utf8), to: port) }

    /// One datagram, or nil after the receive timeout.
    public func receive() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return Array(buffer[0..<n])
    }

    /// Receives until `match` accepts a datagram (as text) or `seconds` pass.
    public func receive(until seconds: Double, where match: (String) -> Bool) -> String? {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let datagram = receive() {
                let text = String(decoding: datagram, as: UTF8.self)
                if match(text) { return text }
            }
        }
        return nil
    }
}
