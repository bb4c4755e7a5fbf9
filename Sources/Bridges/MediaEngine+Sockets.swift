// MediaEngine's RTP sockets: opened by the engine itself and read by the media clock, not by epoll.
//
// Each call's RTP socket is handed to NIO (`withBoundSocket`) with autoRead off, so a datagram never wakes the
// media loop: at the call's phase slot the clock drains the socket with one recvmmsg (kernel arrival times from
// SO_TIMESTAMPNS, so the jitter estimate sees when a packet really arrived) and then ticks the call, and the
// packet it writes goes out with one sendto from `RTPDirectWriter` instead of NIO's pending-write queue. The
// receive buffers, message headers and the source address of the latched peer are reused: no allocation per
// packet. A socket queues what arrives between two ticks (20 ms); SO_RCVBUF is raised so a burst of a few
// hundred packets waits there instead of being dropped.
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Receive side: one set of message headers and buffers shared by all calls (used only on the media loop,
/// one call at a time).
final class RTPSocketReader {
    static let batch = 16
    static let slot = 2048
    private static let controlSize = 64
    private static let headerStride = (MemoryLayout<msghdr>.size + 4 + 7) & ~7
    private let headers: UnsafeMutableRawPointer
    private let iovecs: UnsafeMutablePointer<iovec>
    private let names: UnsafeMutablePointer<sockaddr_storage>
    private let controls: UnsafeMutableRawPointer
    private var buffer: ByteBuffer
    /// Datagrams read so far and recvmmsg calls that failed with something other than EAGAIN.
    private(set) var datagrams: UInt64 = 0
    private(set) var errors: UInt64 = 0

    init(allocator: ByteBufferAllocator) {
        headers = .allocate(byteCount: Self.headerStride * Self.batch, alignment: 8)
        headers.initializeMemory(as: UInt8.self, repeating: 0, count: Self.headerStride * Self.batch)
        iovecs = .allocate(capacity: Self.batch)
        names = .allocate(capacity: Self.batch)
        controls = .allocate(byteCount: Self.controlSize * Self.batch, alignment: 8)
        buffer = allocator.buffer(capacity: Self.batch * Self.slot)
    }

    deinit {
        headers.deallocate()
        iovecs.deallocate()
        names.deallocate()
        controls.deallocate()
    }

    /// Reads every datagram waiting on `fd` (at most `maxRounds` × `batch`) and hands each to `body` with its
    /// source address (raw) and arrival time on the `NIODeadline` clock. Returns the number read.
    @discardableResult
    func drain(
        fd: CInt, nowNanos: UInt64, maxRounds: Int = 32,
        _ body: (ByteBuffer, UnsafePointer<sockaddr_storage>, UInt64) -> Void
    ) -> Int {
        guard let recvmmsg = RTPSocketCalls.recvmmsg else { return 0 }
        var total = 0
        var realNow: Int64?
        for _ in 0..<maxRounds {
            buffer.clear()
            var count: Int32 = 0
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.batch * Self.slot) { space in
                guard let base = space.baseAddress else { return 0 }
                for i in 0..<Self.batch {
                    iovecs[i] = iovec(iov_base: base + i * Self.slot, iov_len: Self.slot)
                    let h = (headers + i * Self.headerStride).assumingMemoryBound(to: msghdr.self)
                    h.pointee.msg_name = UnsafeMutableRawPointer(names + i)
                    h.pointee.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    h.pointee.msg_iov = iovecs + i
                    h.pointee.msg_iovlen = 1
                    h.pointee.msg_control = controls + i * Self.controlSize
                    h.pointee.msg_controllen = Self.controlSize
                    h.pointee.msg_flags = 0
                }
                count = recvmmsg(fd, headers, UInt32(Self.batch), Int32(MSG_DONTWAIT), nil)
                return Self.batch * Self.slot
            }
            if count < 0 {
                if errno != EAGAIN && errno != EWOULDBLOCK { errors += 1 }
                break
            }
            for i in 0..<Int(count) {
                let h = (headers + i * Self.headerStride)
                let length = Int(h.load(fromByteOffset: MemoryLayout<msghdr>.size, as: UInt32.self))
                let header = h.assumingMemoryBound(to: msghdr.self).pointee
                var arrival = nowNanos
                if let kernel = Self.kernelTimestamp(header) {
                    if realNow == nil { realNow = Self.realtimeNanos() }
                    let age = max(0, (realNow ?? kernel) - kernel)
                    arrival = nowNanos &- min(UInt64(age), nowNanos)
                }
                guard let slice = buffer.getSlice(at: i * Self.slot, length: min(length, Self.slot)) else { continue }
                body(slice, names + i, arrival)
            }
            total += Int(count)
            datagrams += UInt64(count)
            if count < Int32(Self.batch) { break }
        }
        return total
    }

    /// SO_TIMESTAMPNS arrival time (CLOCK_REALTIME, ns) from a message's control data.
    private static func kernelTimestamp(_ header: msghdr) -> Int64? {
        #if os(Linux)
            guard let control = header.msg_control, header.msg_controllen >= MemoryLayout<cmsghdr>.size else {
                return nil
            }
            var offset = 0
            while offset + MemoryLayout<cmsghdr>.size <= header.msg_controllen {
                let c = control.load(fromByteOffset: offset, as: cmsghdr.self)
                guard c.cmsg_len >= MemoryLayout<cmsghdr>.size else { return nil }
                if c.cmsg_level == SOL_SOCKET && c.cmsg_type == RTPSocketCalls.timestampNS {
                    let data = offset + ((MemoryLayout<cmsghdr>.size + 7) & ~7)
                    guard data + MemoryLayout<timespec>.size <= header.msg_controllen else { return nil }
                    let ts = control.loadUnaligned(fromByteOffset: data, as: timespec.self)
                    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
                }
                offset += (Int(c.cmsg_len) + 7) & ~7
            }
        #endif
        return nil
    }

    private static func realtimeNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// The RTP channel's outbound end: each packet leaves with one sendto on the socket, right away (the clock
/// writes a call's packet at its schedule, so there is nothing to queue); flush has nothing left to do.
/// A refused send (full socket buffer, unreachable peer) is counted, not retried: the next tick sends fresh audio.
final class RTPDirectWriter: ChannelOutboundHandler, @unchecked Sendable {  // confined to the media loop
    typealias OutboundIn = AddressedEnvelope<ByteBuffer>
    let fd: CInt
    private(set) var failures: UInt64 = 0

    init(fd: CInt) {
        self.fd = fd
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let envelope = unwrapOutboundIn(data)
        envelope.data.withUnsafeReadableBytes { send($0, to: envelope.remoteAddress) }
        promise?.succeed(())
    }

    /// Sends one datagram now (the media tick's path: no channel pipeline, no boxing of the envelope).
    func send(_ bytes: UnsafeRawBufferPointer, to remote: SocketAddress) {
        let sent = remote.withSockAddr { address, length in
            sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), address, socklen_t(length))
        }
        if sent < 0 { failures += 1 }
    }

    /// The session's peer (its latched or SDP address) as a raw sockaddr, set when it changes, so the per-packet
    /// send and the receive-side source check do not go through `SocketAddress` (an enum holding a String: a
    /// retain and a switch per use).
    private var destination = sockaddr_storage()
    private(set) var destinationLength: socklen_t = 0

    func setDestination(_ remote: SocketAddress?) {
        destinationLength = 0
        guard let remote else { return }
        remote.withSockAddr { address, length in
            guard length <= MemoryLayout<sockaddr_storage>.size else { return }
            withUnsafeMutableBytes(of: &destination) {
                $0.copyMemory(from: UnsafeRawBufferPointer(start: address, count: length))
            }
            destinationLength = socklen_t(length)
        }
    }

    /// Sends one datagram to the destination now; false when there is none (nothing sent).
    @discardableResult
    func sendToDestination(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard destinationLength > 0 else { return false }
        let length = destinationLength
        let sent = withUnsafePointer(to: &destination) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT), $0, length)
            }
        }
        if sent < 0 { failures += 1 }
        return true
    }

    /// Whether a received datagram's raw source is the destination (family, port and address).
    func isDestination(_ raw: UnsafePointer<sockaddr_storage>) -> Bool {
        guard destinationLength > 0 else { return false }
        return withUnsafePointer(to: &destination) { known in
            RTPSocketCalls.sameAddress(raw, known, knownLength: Int(destinationLength))
        }
    }

    func flush(context: ChannelHandlerContext) {}
}

/// Socket set-up and the calls Swift's Glibc module does not export.
enum RTPSocketCalls {
    typealias RecvMMsg = @convention(c) (CInt, UnsafeMutableRawPointer, UInt32, CInt, UnsafeMutableRawPointer?) -> CInt
    /// recvmmsg(2), looked up once (a GNU extension the Glibc module leaves out).
    static let recvmmsg: RecvMMsg? = {
        guard let symbol = dlsym(nil, "recvmmsg") else { return nil }  // nil = RTLD_DEFAULT
        return unsafeBitCast(symbol, to: RecvMMsg.self)
    }()
    /// SO_TIMESTAMPNS (the 64-bit-time_t value on Linux) and its control message type.
    static let timestampNS: Int32 = 35
    /// Room for a burst of a few hundred 20 ms packets between two ticks (the kernel doubles it, capped by rmem_max).
    static let receiveBuffer: Int32 = 512 * 1024

    /// A non-blocking UDP socket bound to `address`, with arrival timestamps and a larger receive buffer.
    static func open(_ address: SocketAddress) throws -> CInt {
        let family = address.protocol.rawValue
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw MediaEngineError(message: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        var size = receiveBuffer
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = setsockopt(fd, SOL_SOCKET, timestampNS, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = address.withSockAddr { sa, length in bind(fd, sa, socklen_t(length)) }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw MediaEngineError(message: "bind \(address): \(message)")
        }
        return fd
    }

    /// Whether two raw socket addresses are the same family, port and address (`known` is `knownLength` long).
    static func sameAddress(
        _ raw: UnsafePointer<sockaddr_storage>, _ known: UnsafePointer<sockaddr_storage>, knownLength: Int
    ) -> Bool {
        let r = UnsafeRawPointer(raw)
        let k = UnsafeRawPointer(known)
        // sockaddr_in: family, port, address = the first 8 bytes; sockaddr_in6: family and port (4 bytes),
        // then the address at offset 8 (16 bytes).
        switch Int32(raw.pointee.ss_family) {
        case AF_INET where knownLength >= 8:
            return memcmp(r, k, 8) == 0
        case AF_INET6 where knownLength >= 24:
            return memcmp(r, k, 4) == 0 && memcmp(r + 8, k + 8, 16) == 0
        default:
            return false
        }
    }

    /// A `SocketAddress` for a raw source address (IPv4 or IPv6), nil for anything else.
    static func address(_ raw: UnsafePointer<sockaddr_storage>) -> SocketAddress? {
        switch Int32(raw.pointee.ss_family) {
        case AF_INET:
            return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee) }
        case AF_INET6:
            return raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee) }
        default:
            return nil
        }
    }
}
