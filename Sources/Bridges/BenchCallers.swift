import NIOCore
import NIOPosix
import RTP

/// The far ends of `MediaBenchmark.echoPacing`: one UDP socket per call on their own event loop, all
/// sending a 20 ms PCMU packet per tick from one timer, counting what comes back.
final class BenchCallers: @unchecked Sendable {
    let loop: any EventLoop
    private(set) var channels: [any Channel] = []
    private(set) var ports: [Int] = []
    private var targets: [SocketAddress?] = []
    private var senders: [RTPSender] = []
    private var task: RepeatedTask?
    private let counter = Counter()

    final class Counter: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        var count: UInt64 = 0
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { count += 1 }
    }

    private init(loop: any EventLoop) { self.loop = loop }

    static func start(on loop: any EventLoop, count: Int) async throws -> BenchCallers {
        let callers = BenchCallers(loop: loop)
        for i in 0..<count {
            let counter = callers.counter
            let channel = try await DatagramBootstrap(group: loop)
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(counter) }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            callers.channels.append(channel)
            callers.ports.append(channel.localAddress?.port ?? 0)
            callers.targets.append(nil)
            callers.senders.append(RTPSender(ssrc: UInt32(i + 1), sequenceNumber: 0, timestamp: 0))
        }
        return callers
    }

    func setTarget(_ index: Int, port: Int) {
        let address = try? SocketAddress(ipAddress: "127.0.0.1", port: port)
        loop.execute { self.targets[index] = address }
    }

    func startSending() {
        loop.execute {
            self.task = self.loop.scheduleRepeatedTask(initialDelay: .milliseconds(5), delay: .milliseconds(20)) { _ in
                self.sendAll()
            }
        }
    }

    private func sendAll() {
        for i in channels.indices {
            guard let target = targets[i] else { continue }
            let channel = channels[i]
            var buffer = channel.allocator.buffer(capacity: 172)
            let header = senders[i].nextMediaHeader(payloadType: 0, samples: 160, payloadLength: 160)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 172) { out in
                let n = header.writeFixed(into: out)
                for j in n..<(n + 160) { out[j] = UInt8(truncatingIfNeeded: j &* 7) }
                return n + 160
            }
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: buffer), promise: nil)
        }
    }

    func stopSending() { loop.execute { self.task?.cancel() } }

    func received() async throws -> UInt64 { try await loop.submit { self.counter.count }.get() }

    func close() async throws {
        for c in channels { try? await c.close() }
    }
}
