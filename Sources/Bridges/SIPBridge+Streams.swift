// Bridges: the SIP bridge's TCP connections — which peer is reached over which connection (reused for
// every message to it), and the switch to TCP for requests larger than a UDP datagram should be.
import NIOCore
import SIP

extension SIPBridge {
    /// Requests larger than this go over TCP when a TCP listener runs (RFC 3261 §18.1.1: 200 bytes under a
    /// 1500-byte path MTU).
    static let udpRequestLimit = 1300

    func streamOpened(_ channel: any Channel, remote: SIPEndpoint) {
        streams[remote] = channel
        counters.update { $0.tcpConnections += 1 }
    }

    func streamClosed(_ channel: any Channel, remote: SIPEndpoint) {
        if let current = streams[remote], current === channel { streams[remote] = nil }
    }

    func streamFramingFailed(_ reason: String) {
        counters.update {
            $0.dropped += 1
            $0.badInput["framing", default: 0] += 1
        }
        logger.info("SIP TCP connection closed: cannot frame", metadata: ["reason": "\(reason)"])
    }

    func streamKeepAlive() { counters.update { $0.keepAlives += 1 } }

    /// Sends over the peer's TCP connection when there is one, or opens one for a request over the UDP limit.
    /// False: send by UDP.
    func sendOverStream(_ bytes: [UInt8], to endpoint: SIPEndpoint) -> Bool {
        if sendingTransport == "TCP" || bytes.count > Self.udpRequestLimit, let channel = streams[endpoint] {
            write(bytes, to: channel)
            return true
        }
        guard boundAddresses["TCP"] != nil, bytes.count > Self.udpRequestLimit, !bytes.starts(with: Self.responsePrefix) else {
            return false
        }
        let request = Self.viaTransport(bytes, to: "TCP")
        if pendingStreams[endpoint] != nil {
            pendingStreams[endpoint]?.append(request)
            return true
        }
        pendingStreams[endpoint] = [request]
        SIPTransportTCP.connect(bridge: self, to: endpoint).hop(to: eventLoop).whenComplete { [self] result in
            let queued = pendingStreams.removeValue(forKey: endpoint) ?? []
            switch result {
            case .success(let channel): for message in queued { write(message, to: channel) }
            case .failure(let error):
                logger.warning("SIP TCP connect failed; request not sent", metadata: ["peer": "\(endpoint)", "error": "\(error)"])
            }
        }
        return true
    }

    private func write(_ bytes: [UInt8], to channel: any Channel) {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(buffer, promise: nil)
    }

    static let responsePrefix = Array("SIP/2.0 ".utf8)

    /// The request with its top Via's transport set to `transport` (a UDP request switched to TCP, §18.1.1).
    static func viaTransport(_ bytes: [UInt8], to transport: String) -> [UInt8] {
        let pattern = Array("SIP/2.0/UDP".utf8)
        guard let range = firstRange(of: pattern, in: bytes) else { return bytes }
        var result = bytes
        result.replaceSubrange(range, with: Array("SIP/2.0/\(transport)".utf8))
        return result
    }

    private static func firstRange(of pattern: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        guard bytes.count >= pattern.count else { return nil }
        for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            if bytes[start..<start + pattern.count].elementsEqual(pattern) { return start..<start + pattern.count }
        }
        return nil
    }
}

extension SIPBridge {
    /// Closes every TCP connection (at shutdown).
    func closeStreams() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit { [self] in
            let channels = Array(streams.values)
            streams.removeAll()
            return EventLoopFuture.andAllComplete(channels.map { $0.close() }, on: eventLoop)
        }
    }
}
