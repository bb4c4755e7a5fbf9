import Bridges
import Foundation
import SwitchboardTestKit
import Logging
import NIOCore
import NIOPosix
import RTP
import Synchronization

/// One media engine on its own event loop with one echo call whose far end is a plain UDP socket we control
/// (no SIP): for tests of the RTP path itself. Everything the engine logs is kept in `logs`.
final class MediaTestRig: @unchecked Sendable {
    let group: MultiThreadedEventLoopGroup
    let engine: MediaEngine
    let session: CallMediaSession
    let peer: UDPTestSocket
    let logs: MediaLogCollector
    private let received = Mutex<[[UInt8]]>([])
    private let done = Atomic<Bool>(false)
    private var thread: Thread?

    var mediaPort: Int { session.localPort }

    private init(group: MultiThreadedEventLoopGroup, engine: MediaEngine, session: CallMediaSession, peer: UDPTestSocket,
        logs: MediaLogCollector)
    {
        self.group = group
        self.engine = engine
        self.session = session
        self.peer = peer
        self.logs = logs
    }

    static func start(media: NegotiatedMedia, handler: (any CallMediaHandler & Sendable)? = nil) async throws -> MediaTestRig {
        let logs = MediaLogCollector()
        let logger = Logger(label: "test.media") { _ in MediaLogHandler(collector: logs) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let base = UInt16.random(in: 21000...59000) & ~1
        let engine = MediaEngine(
            eventLoop: group.next(), configuration: .init(bindHost: "127.0.0.1", portRange: base...(base + 99)),
            logger: logger)
        let peer = try UDPTestSocket(receiveTimeoutMs: 50)
        let session = try await engine.openSession(callID: "media-\(UUID().uuidString)").get()
        let remote = try SocketAddress(ipAddress: "127.0.0.1", port: peer.port)
        try await engine.eventLoop.submit {
            try engine.activate(session, media: media, remote: remote, handler: handler.map { $0 as any CallMediaHandler } ?? EchoHandler())
        }.get()
        let rig = MediaTestRig(group: group, engine: engine, session: session, peer: peer, logs: logs)
        let thread = Thread { [rig] in
            while !rig.done.load(ordering: .relaxed) {
                if let d = rig.peer.receive() { rig.received.withLock { $0.append(d) } }
            }
        }
        rig.thread = thread
        thread.start()
        return rig
    }

    /// Everything the echo sent to the peer so far, parsed.
    var echoed: [RTPPacket] { received.withLock { $0 }.compactMap { try? RTPPacket(parsing: $0) } }

    func stop() async {
        try? await engine.shutdown().get()
        done.store(true, ordering: .relaxed)
        try? await Task.sleep(for: .milliseconds(80))
        try? await group.shutdownGracefully()
    }

    /// Sends `frames` as RTP from the peer, one every 20 ms on an absolute schedule; `between(i)` runs after
    /// frame i is sent (to inject other traffic).
    func play(
        _ frames: [[UInt8]], payloadType: UInt8, firstSequence: UInt16, firstTimestamp: UInt32, increment: UInt32,
        ssrc: UInt32 = 0xCAFE, between: (Int) throws -> Void = { _ in }
    ) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        for (i, frame) in frames.enumerated() {
            let packet = try RTPPacket(
                marker: i == 0, payloadType: payloadType, sequenceNumber: firstSequence &+ UInt16(truncatingIfNeeded: i),
                timestamp: firstTimestamp &+ UInt32(i) &* increment, ssrc: ssrc, payload: frame
            ).serialized()
            peer.send(packet, to: mediaPort)
            try between(i)
            try await clock.sleep(until: start + .milliseconds(20 * (i + 1)))
        }
    }
}

/// Log lines the engine wrote (message and level).
final class MediaLogCollector: Sendable {
    let lines = Mutex<[(Logger.Level, String)]>([])
    func count(containing text: String) -> Int { lines.withLock { $0.filter { $0.1.contains(text) }.count } }
}

struct MediaLogHandler: LogHandler {
    let collector: MediaLogCollector
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        collector.lines.withLock { $0.append((event.level, "\(event.message)")) }
    }
}
