public import Logging
public import NIOCore
public import NIOPosix

/// SIP + media wired together on two event loops (signalling and media), bound and ready: what
/// `switchboard serve` and the integration tests start.
public final class SIPServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var media: MediaEngine.Configuration
        public var bridge: SIPBridge.Configuration
        /// Also listen on TCP at the UDP socket's port (RFC 3261 §18: a UA must do both).
        public var tcp = false
        public init(host: String, port: Int, media: MediaEngine.Configuration, bridge: SIPBridge.Configuration) {
            self.host = host
            self.port = port
            self.media = media
            self.bridge = bridge
        }
    }

    public let group: MultiThreadedEventLoopGroup
    public let bridge: SIPBridge
    public let media: MediaEngine
    public let channel: any Channel
    /// The TCP listener, when `Configuration.tcp` is set.
    public let tcpChannel: (any Channel)?
    public let localAddress: SocketAddress

    private init(
        group: MultiThreadedEventLoopGroup, bridge: SIPBridge, media: MediaEngine, channel: any Channel, tcpChannel: (any Channel)?
    ) throws {
        self.tcpChannel = tcpChannel
        self.group = group
        self.bridge = bridge
        self.media = media
        self.channel = channel
        guard let address = channel.localAddress else { throw MediaEngineError(message: "SIP socket has no address") }
        localAddress = address
    }

    /// Binds and starts. Throws when the SIP port cannot be bound.
    public static func start(configuration: Configuration, logger: Logger) async throws -> SIPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator())
        let media = MediaEngine(eventLoop: loops[1], configuration: configuration.media, logger: logger)
        let bridge = SIPBridge(eventLoop: loops[0], media: media, configuration: configuration.bridge, logger: logger)
        do {
            let channel = try await SIPTransportNIO.bind(bridge: bridge, host: configuration.host, port: configuration.port)
                .get()
            var tcpChannel: (any Channel)?
            if configuration.tcp {
                do {
                    tcpChannel = try await SIPTransportTCP.bind(
                        bridge: bridge, host: configuration.host, port: channel.localAddress?.port ?? configuration.port
                    ).get()
                } catch {
                    try? await channel.close()
                    throw error
                }
            }
            return try SIPServer(group: group, bridge: bridge, media: media, channel: channel, tcpChannel: tcpChannel)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Ends calls with BYE, closes sockets and stops the event loops.
    public func stop() async {
        try? await bridge.shutdown().get()
        try? await media.shutdown().get()
        try? await channel.close()
        try? await tcpChannel?.close()
        try? await bridge.closeStreams().get()
        try? await group.shutdownGracefully()
    }
}
