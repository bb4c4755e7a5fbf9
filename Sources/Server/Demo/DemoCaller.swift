// Server: Switchboard's own SIP UAC with RTP media, for `switchboard demo`: it dials a number, plays a caller
// track as paced PCMU, records what the far end sends back (placed by RTP timestamp, so gaps stay gaps), and
// hangs up when the far end does or the time is up. One event loop owns all of its state.
import Audio
import Foundation
public import NIOCore
import NIOPosix
import RTP
import SIP

/// The caller's side of one call.
public final class DemoCaller: @unchecked Sendable {
    // @unchecked: every mutable field is touched only on `loop`.
    public struct Result: Sendable {
        /// What the caller heard, 8 kHz.
        public var heard: [Int16]
        public var established: Bool
        public var endReason: String
        public var callID: String
    }

    let loop: any EventLoop
    let audio: [Int16]
    let callID = "demo-" + UUID().uuidString.lowercased()
    private var core: SIPUserAgentCore
    private var sip: (any Channel)?
    private var rtp: (any Channel)?
    private var timers: [SIPUATimerID: Scheduled<Void>] = [:]
    private var sender = RTPSender(ssrc: UInt32.random(in: 1...UInt32.max), sequenceNumber: 0, timestamp: 0)
    private var remoteRTP: SocketAddress?
    private var ticker: RepeatedTask?
    private var position = 0
    private var heard: [Int16] = []
    private var firstTimestamp: UInt32?
    private var established = false
    private let start = NIODeadline.now()
    private let promise: EventLoopPromise<Result>

    init(loop: any EventLoop, audio: [Int16], localSIPPort: Int) {
        self.loop = loop
        self.audio = audio
        core = SIPUserAgentCore(config: SIPUserAgentConfig(
            local: SIPEndpoint(host: "127.0.0.1", port: localSIPPort), userAgent: "Switchboard demo caller",
            negotiator: SDPNegotiator(codecs: [.pcmu]), seed: UInt64.random(in: 0...UInt64.max)))
        promise = loop.makePromise()
    }

    /// Calls `sip:user@host:port` from `callerNumber`, plays `audio` (8 kHz), and returns what came back.
    /// Ends after `limit` at the latest (then it hangs up itself).
    public static func call(
        user: String, host: String, port: Int, callerNumber: String, audio: [Int16], limit: Duration,
        group: any EventLoopGroup
    ) async throws -> Result {
        let loop = group.next()
        let sip = try await bind(loop)
        let rtp = try await bind(loop)
        let caller = DemoCaller(loop: loop, audio: audio, localSIPPort: sip.localAddress?.port ?? 0)
        try await loop.submit {
            caller.sip = sip
            caller.rtp = rtp
            try sip.pipeline.syncOperations.addHandler(Inbound { bytes, from in caller.onSIP(bytes, from: from) })
            try rtp.pipeline.syncOperations.addHandler(Inbound { bytes, _ in caller.onRTP(bytes) })
            guard let target = SIPURI("sip:\(user)@\(host):\(port)"),
                let from = SIPURI("sip:\(callerNumber)@127.0.0.1")
            else { throw DemoError("bad address sip:\(user)@\(host):\(port)") }
            caller.apply(caller.core.handle(.command(.placeCall(SIPOutboundCall(
                callID: caller.callID, target: target, from: SIPNameAddress(displayName: "Demo caller", uri: from),
                nextHop: SIPEndpoint(host: host, port: port), rtpPort: rtp.localAddress?.port ?? 0))), at: caller.now))
            loop.scheduleTask(in: .nanoseconds(Int64(limit.components.seconds) * 1_000_000_000)) {
                caller.apply(caller.core.handle(.command(.hangUp(callID: caller.callID)), at: caller.now))
                loop.scheduleTask(in: .seconds(2)) { caller.finish("time limit") }
            }
        }.get()
        let result = try await caller.promise.futureResult.get()
        try? await sip.close()
        try? await rtp.close()
        return result
    }

    private static func bind(_ loop: any EventLoop) async throws -> any Channel {
        try await DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: 0).get()
    }

    private var now: Duration { .nanoseconds((NIODeadline.now() - start).nanoseconds) }

    private func onSIP(_ bytes: [UInt8], from: SocketAddress) {
        let source = SIPEndpoint(host: from.ipAddress ?? "127.0.0.1", port: from.port ?? 0)
        apply(core.handle(.datagram(bytes, from: source), at: now))
    }

    private func apply(_ actions: [SIPUAAction]) {
        for action in actions {
            switch action {
            case .send(let bytes, let to):
                guard let sip, let address = try? SocketAddress(ipAddress: to.host, port: to.port) else { continue }
                sip.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes)), promise: nil)
            case .startTimer(let id, let deadline):
                timers[id]?.cancel()
                let delay = deadline - now
                timers[id] = loop.scheduleTask(in: .nanoseconds(max(0, Int64(delay.components.seconds) * 1_000_000_000
                    + Int64(delay.components.attoseconds / 1_000_000_000)))) { [self] in
                    timers[id] = nil
                    apply(core.handle(.timerFired(id), at: now))
                }
            case .cancelTimer(let id):
                timers.removeValue(forKey: id)?.cancel()
            case .mediaUpdated(_, let media):
                remoteRTP = try? SocketAddress(ipAddress: media.remoteAddress, port: media.remotePort)
                startMedia()
            case .callEstablished:
                established = true
            case .callEnded(_, let reason):
                finish("\(reason)")
            default:
                break
            }
        }
    }

    private func startMedia() {
        guard ticker == nil else { return }
        ticker = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .milliseconds(20)) { [self] _ in sendFrame() }
    }

    private func sendFrame() {
        guard let rtp, let remoteRTP else { return }
        var payload = [UInt8](repeating: 0xFF, count: 160)
        for i in 0..<160 {
            let index = position + i
            payload[i] = G711.ulaw.encode(index < audio.count ? audio[index] : 0)
        }
        position += 160
        let header = sender.nextMediaHeader(payloadType: 0, samples: 160, payloadLength: payload.count)
        let packet = RTPPacket(
            marker: header.marker, payloadType: 0, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp,
            ssrc: header.ssrc, payload: payload)
        guard let bytes = try? packet.serialized() else { return }
        rtp.writeAndFlush(AddressedEnvelope(remoteAddress: remoteRTP, data: ByteBuffer(bytes: bytes)), promise: nil)
    }

    private func onRTP(_ bytes: [UInt8]) {
        guard let packet = try? RTPPacket(parsing: bytes), packet.payloadType == 0 else { return }
        let first = firstTimestamp ?? packet.timestamp
        firstTimestamp = first
        let offset = Int(packet.timestamp &- first)
        guard offset >= 0, offset < 8000 * 3600 else { return }
        if heard.count < offset + packet.payload.count {
            heard.append(contentsOf: repeatElement(0, count: offset + packet.payload.count - heard.count))
        }
        for (i, code) in packet.payload.enumerated() { heard[offset + i] = G711.ulaw.decode(code) }
    }

    private func finish(_ reason: String) {
        ticker?.cancel()
        ticker = nil
        for timer in timers.values { timer.cancel() }
        timers = [:]
        promise.succeed(Result(heard: heard, established: established, endReason: reason, callID: callID))
    }
}

/// Hands each datagram's bytes to a closure (on the channel's loop).
private final class Inbound: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let onDatagram: ([UInt8], SocketAddress) -> Void

    init(_ onDatagram: @escaping ([UInt8], SocketAddress) -> Void) {
        self.onDatagram = onDatagram
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        onDatagram(Array(envelope.data.readableBytesView), envelope.remoteAddress)
    }
}

struct DemoError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
