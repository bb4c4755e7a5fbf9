public import NIOCore
import NIOPosix

/// Binds the SIP UDP socket and feeds datagrams to a `SIPBridge` on the SIP event loop.
public enum SIPTransportNIO {
    /// Binds `host:port` (port 0 = ephemeral) and returns the bound channel; the bridge sends through it.
    public static func bind(bridge: SIPBridge, host: String, port: Int) -> EventLoopFuture<any Channel> {
        DatagramBootstrap(group: bridge.eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // A large receive buffer rides out bursts (hundreds of INVITEs per second plus retransmissions)
            // instead of the kernel dropping them; Linux caps it at net.core.rmem_max.
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.maxMessagesPerRead, value: 16)
            // IP_PKTINFO: on a wildcard bind, each datagram says which local address it was sent to, and that
            // address is what the reply advertises (Via/Contact/SDP), never 0.0.0.0.
            .channelOption(.receivePacketInfo, value: SIPAdvertisedAddress.isWildcard(host))
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65536 + 1024))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPInboundHandler(bridge: bridge))
                }
            }
            .bind(host: host, port: port)
            .map { channel in
                bridge.channel = channel
                bridge.bound(host: channel.localAddress?.ipAddress ?? host, port: channel.localAddress?.port ?? port)
                return channel
            }
    }
}

final class SIPInboundHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let bridge: SIPBridge

    init(bridge: SIPBridge) { self.bridge = bridge }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let local = envelope.metadata?.packetInfo?.destinationAddress.ipAddress
        bridge.receive(Array(envelope.data.readableBytesView), from: envelope.remoteAddress, localHost: local)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors on UDP (peer gone) are not fatal for the listener.
    }
}

