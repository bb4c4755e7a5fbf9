// Bridges: SIP over TCP (RFC 3261 §18): a listener beside the UDP socket, connections framed by
// Content-Length (`SIPStreamFramer`), CRLF keep-alive pings answered with a pong, and outbound connections
// opened (and reused) for requests too large for a datagram. Messages go to the same UA cores as UDP's.
public import NIOCore
import NIOPosix
import SIP

public enum SIPTransportTCP {
    /// Listens on `host:port` (normally the UDP socket's port) and returns the listening channel.
    public static func bind(bridge: SIPBridge, host: String, port: Int) -> EventLoopFuture<any Channel> {
        ServerBootstrap(group: bridge.eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPStreamHandler(bridge: bridge))
                }
            }
            .bind(host: host, port: port)
            .map { channel in
                bridge.bound(host: channel.localAddress?.ipAddress ?? host, port: channel.localAddress?.port ?? port, transport: "TCP")
                return channel
            }
    }

    /// Opens a connection to `endpoint` whose messages reach the bridge like accepted ones.
    static func connect(bridge: SIPBridge, to endpoint: SIPEndpoint) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: bridge.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPStreamHandler(bridge: bridge))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
    }
}

/// One SIP connection: frames the byte stream and hands whole messages to the bridge (SIP loop).
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let bridge: SIPBridge
    var framer = SIPStreamFramer()
    var remote: SIPEndpoint?

    init(bridge: SIPBridge) { self.bridge = bridge }

    func channelActive(context: ChannelHandlerContext) {
        if let ip = context.channel.remoteAddress?.ipAddress, let port = context.channel.remoteAddress?.port {
            let endpoint = SIPEndpoint(host: ip, port: port)
            remote = endpoint
            bridge.streamOpened(context.channel, remote: endpoint)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let remoteAddress = context.channel.remoteAddress else { return }
        let frames: [SIPStreamFramer.Frame]
        do {
            frames = try framer.feed(buffer.readableBytesView)
        } catch {
            bridge.streamFramingFailed(error.description)
            context.close(promise: nil)
            return
        }
        let local = context.channel.localAddress?.ipAddress
        for frame in frames {
            switch frame {
            case .message(let bytes): bridge.receive(bytes, from: remoteAddress, localHost: local, transport: "TCP")
            case .ping:
                var pong = context.channel.allocator.buffer(capacity: 2)
                pong.writeStaticString("\r\n")
                context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
                bridge.streamKeepAlive()
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let remote { bridge.streamClosed(context.channel, remote: remote) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
