import Audio

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
public import NIOCore
import Logging
import RTP
import SwitchboardCore

/// One call's RTP media: sockets, receive path (SSRC lock, jitter buffer, decode, DTMF) and send path
/// (outbound sample queue, encode, RFC 4733 events). Confined to the media event loop: every method below
/// must run there (the `CallHandle` wrapper hops for callers elsewhere).
public final class CallMediaSession: @unchecked Sendable {
    @dynamicMemberLookup
    public struct Statistics: Sendable, Equatable {
        public var packetsReceived: UInt64 = 0
        public var packetsSent: UInt64 = 0
        /// Malformed RTP (= badVersion + badPadding + truncated), dropped.
        public var badPackets: UInt64 = 0
        public var badVersion: UInt64 = 0
        public var badPadding: UInt64 = 0
        public var truncated: UInt64 = 0
        /// Expected − received (RFC 3550 A.3) summed over the SSRCs this call locked to, never negative.
        public var packetsLost: UInt64 = 0
        /// Arrived after their play-out time (dropped by the jitter buffer).
        public var packetsLate: UInt64 = 0
        public var packetsDuplicate: UInt64 = 0
        /// Frames the jitter buffer dropped unplayed: trimmed after a burst, or discarded on a resync/re-lock/codec switch.
        public var framesDropped: UInt64 = 0
        public var rtcpMalformed: UInt64 = 0
        public var unknownSource: UInt64 = 0
        public var unknownPayloadType: UInt64 = 0
        public var foreignSSRC: UInt64 = 0
        public var rtcpReceived: UInt64 = 0
        public var rtcpSent: UInt64 = 0
        public var digits: UInt64 = 0
        public var concealed: UInt64 = 0
        public var jitterMilliseconds: Double = 0
        /// Comfort noise, SSRC changes, timestamp jumps, bursts, handler drops, RTP timeout (`stats.bursts` reads
        /// through).
        public var callerEvents = CallerMediaEvents()

        public subscript<Value>(dynamicMember keyPath: WritableKeyPath<CallerMediaEvents, Value>) -> Value {
            get { callerEvents[keyPath: keyPath] }
            set { callerEvents[keyPath: keyPath] = newValue }
        }
    }

    // The session's mutable state is only touched on the media loop, and the hot path (receiveRTP, tick) never
    // re-enters an access it holds: `@exclusivity(unchecked)` spares every packet a dozen runtime access checks.
    public let callID: String
    public let eventLoop: any EventLoop
    public let localPort: Int
    @exclusivity(unchecked) public internal(set) var media: NegotiatedMedia?
    @exclusivity(unchecked) public private(set) var statistics = Statistics()
    /// Where media is sent: the latched source of inbound packets, else the SDP address.
    @exclusivity(unchecked) public private(set) var remoteAddress: SocketAddress? {
        didSet { directWriter?.setDestination(remoteAddress) }
    }

    let rtpChannel: any Channel
    let rtcpChannel: (any Channel)?
    /// The RTP socket's own writer: media packets go out with one sendto, past NIO's channel pipeline.
    private let directWriter: RTPDirectWriter?
    /// Benchmarks only: outbound packets are built but not sent (no syscall), see `MediaBenchmark`.
    private let discardsOutput: Bool
    @exclusivity(unchecked) var handler: (any CallMediaHandler)?
    weak var signaling: (any CallSignaling)?
    /// The call this one's media is joined to (attended transfer bridged by us), see `+Relay`.
    @exclusivity(unchecked) weak var relay: CallMediaSession? { didSet { mayRelay = relay != nil } }
    /// Whether `relay` was set (it may have gone nil since): a call never joined skips the weak load (atomic).
    @exclusivity(unchecked) private var mayRelay = false
    @exclusivity(unchecked) var relayResampler: Resampler?
    private let logger: Logger
    @exclusivity(unchecked) var codec: MediaCodecState?
    @exclusivity(unchecked) var receiver = RTPReceiver(clockRate: 8000)
    @exclusivity(unchecked) var jitterBuffer: JitterBuffer
    @exclusivity(unchecked) private var eventReceiver = TelephoneEventReceiver()
    @exclusivity(unchecked) var eventSender = TelephoneEventSender()
    @exclusivity(unchecked) var dtmfDetector: DTMFDetector?
    @exclusivity(unchecked) var dtmfMerge = DTMFDeduplicator()
    @exclusivity(unchecked) private var sender: RTPSender
    /// Starts at two 8 kHz frames (a listening call queues at most a frame a tick) and grows when more is queued.
    @exclusivity(unchecked) var outbound = SampleQueue(capacity: 320)
    /// The outbound datagram, written in place each tick (owned by the session, freed in `deinit`).
    private let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 16)
    @exclusivity(unchecked) var sdpAddress: SocketAddress?
    @exclusivity(unchecked) var latched = false
    @exclusivity(unchecked) private var lastInboundNanos: UInt64 = 0
    /// Last caller RTP (or activation, or a tick on hold): what the RTP inactivity timer counts from.
    @exclusivity(unchecked) private var lastMediaNanos: UInt64 = 0
    /// Ends the call with BYE when no RTP came from the caller for this long (0 = never); not while on hold.
    @exclusivity(unchecked) public var rtpTimeoutSeconds = 0
    @exclusivity(unchecked) private var rtpTimedOut = false
    /// RFC 3389 noise level (−dBov) of the last CN packet while the caller is in DTX; nil once audio resumes.
    @exclusivity(unchecked) var comfortNoiseLevel: UInt8?
    /// Frames beyond one per tick that a handler not wanting them (`processesExtraMedia`) had dropped.
    @exclusivity(unchecked) private var extraFramesSkipped: UInt64 = 0
    /// Packets since the last tick (burst detection).
    @exclusivity(unchecked) private var packetsThisTick = 0
    @exclusivity(unchecked) var rtcpRemote: SocketAddress?
    @exclusivity(unchecked) private var nextRTCPNanos: UInt64 = 0
    @exclusivity(unchecked) private var ticks = 0
    @exclusivity(unchecked) private var inBandTimeMs = 0
    @exclusivity(unchecked) private var malformedLog = RateLimitedLog()
    @exclusivity(unchecked) private var rtcpLog = RateLimitedLog()
    @exclusivity(unchecked) private var unknownSourceLog = RateLimitedLog()
    @exclusivity(unchecked) private var foreignLog = RateLimitedLog()
    /// Loss of the currently locked stream, and of streams before an SSRC re-lock.
    @exclusivity(unchecked) var streamLost: UInt64 = 0
    @exclusivity(unchecked) var lostBeforeRelock: UInt64 = 0
    /// The shared clock's phase (one of 10, 2 ms apart) this call is paced on; set by the engine.
    @exclusivity(unchecked) var phase = 0
    @exclusivity(unchecked) public private(set) var isActive = false
    @exclusivity(unchecked) public private(set) var isEnded = false
    /// Send comfort silence when nothing is queued (keeps NAT bindings and peers' RTP timeouts happy).
    @exclusivity(unchecked) public var sendsSilence = true

    init(
        callID: String, eventLoop: any EventLoop, rtpChannel: any Channel, rtcpChannel: (any Channel)?,
        writer: RTPDirectWriter? = nil, discardsOutput: Bool = false, localPort: Int, jitter: (min: Int, max: Int),
        logger: Logger
    ) {
        self.discardsOutput = discardsOutput
        self.callID = callID
        self.eventLoop = eventLoop
        self.rtpChannel = rtpChannel
        self.directWriter = writer
        self.rtcpChannel = rtcpChannel
        self.localPort = localPort
        self.logger = logger
        jitterBuffer = JitterBuffer(minDelay: jitter.min, maxDelay: jitter.max)
        var rng = SystemRandomNumberGenerator()
        sender = RTPSender(using: &rng)
    }

    deinit { packet.deallocate() }

    /// Starts media once offer/answer is done (called by the bridge when the call is answered).
    func activate(
        media: NegotiatedMedia, remote: SocketAddress?, handler: any CallMediaHandler, nowNanos: UInt64
    ) throws {
        self.media = media
        codec = try MediaCodecState(media: media)
        receiver = RTPReceiver(clockRate: media.codec.clockRate)
        eventSender = TelephoneEventSender(samplesPerTick: UInt16(media.codec.timestampIncrement))
        dtmfDetector = media.pcmRate == 8000 ? DTMFDetector(sampleRate: 8000) : nil
        sdpAddress = remote
        remoteAddress = remote
        if let remote, let port = remote.port {
            rtcpRemote = try? SocketAddress(ipAddress: remote.ipAddress ?? "127.0.0.1", port: port + 1)
        }
        self.handler = handler
        isActive = true
        lastMediaNanos = nowNanos
        nextRTCPNanos = nowNanos + 5_000_000_000
        handler.callStarted(self)
    }

    /// New remote media address after a re-INVITE (nil = on hold: send nothing).
    func retarget(remote: SocketAddress?) {
        sdpAddress = remote
        remoteAddress = remote
        latched = false
    }

    /// Whether the call is on hold (the peer's SDP gave no address or a non-sending direction).
    public var isOnHold: Bool { isActive && sdpAddress == nil }

    /// Counts an inbound event the handler had to drop (its queue to the call was full).
    public func countHandlerDrop() { statistics.callerEvents.handlerDrops += 1 }

    // MARK: MediaOut (call on the media loop)

    /// Queues PCM samples at the call's `pcmRate`; they go out 20 ms per tick.
    public func enqueue(_ samples: UnsafeBufferPointer<Int16>) {
        outbound.append(samples)
    }

    public func enqueue(_ samples: [Int16]) {
        samples.withUnsafeBufferPointer { outbound.append($0) }
    }

    /// Samples waiting to be sent.
    public var queuedSamples: Int { outbound.count }

    /// Drops queued audio (barge-in).
    public func clear() { outbound.removeAll() }

    /// Sends DTMF digits as RFC 4733 events (when negotiated).
    public func sendDigits(_ digits: String) { eventSender.enqueue(digits) }

    /// Blind transfer: the bridge sends REFER.
    public func transfer(to target: String) { signaling?.transfer(callID: callID, to: target) }

    /// Ends the call: the bridge sends BYE.
    public func hangUp() { signaling?.hangUp(callID: callID) }

    // MARK: Engine side

    func end(reason: HangUpReason) {
        guard !isEnded else { return }
        isEnded = true
        isActive = false
        if let rtcpRemote, let rtcpChannel, media != nil,
            let bytes = try? RTCPPacket.serializeCompound([
                .receiverReport(.init(ssrc: sender.ssrc)), .bye(.init(sources: [sender.ssrc])),
            ])
        {
            var buf = rtcpChannel.allocator.buffer(capacity: bytes.count)
            buf.writeBytes(bytes)
            rtcpChannel.writeAndFlush(AddressedEnvelope(remoteAddress: rtcpRemote, data: buf), promise: nil)
        }
        handler?.callEnded(self, reason: reason)
        handler = nil
        rtpChannel.close(promise: nil)
        rtcpChannel?.close(promise: nil)
    }

    /// `fromRemote`: the media loop already compared the datagram's raw source with `remoteAddress` (nil: compare here).
    func receiveRTP(_ buffer: ByteBuffer, from source: SocketAddress, nowNanos: UInt64, fromRemote: Bool? = nil) {
        guard isActive, let media else { return }
        let parsed: Result<RTPHeader, RTPError> = buffer.withUnsafeReadableBytes { raw in
            do throws(RTPError) { return .success(try RTPHeader.parse(raw)) } catch { return .failure(error) }
        }
        let header: RTPHeader
        switch parsed {
        case .success(let h): header = h
        case .failure(let error):
            countMalformed(error, from: source, nowNanos: nowNanos)
            return
        }
        // Compared once per packet (a SocketAddress comparison is a call and a retain).
        var fromLatchedSource = false
        if latched, let remote = remoteAddress {
            fromLatchedSource = fromRemote ?? (remote == source)
        }
        if latched, remoteAddress != nil, !fromLatchedSource {
            // Another source: ignore it unless the latched one went quiet for a second (re-INVITE, NAT rebind).
            guard nowNanos &- lastInboundNanos > 1_000_000_000 else {
                statistics.unknownSource += 1
                if unknownSourceLog.allow(nowNanos) {
                    logger.warning(
                        "RTP from unknown source dropped (logged once per 10 s per call)",
                        metadata: ["call": "\(callID)", "from": "\(source)", "count": "\(statistics.unknownSource)"])
                }
                return
            }
        }
        switch receiver.received(header, arrivalNanos: nowNanos) {
        case .foreignSSRC:
            statistics.foreignSSRC += 1
            if foreignLog.allow(nowNanos) {
                logger.warning(
                    "RTP with a foreign SSRC dropped (logged once per 10 s per call)",
                    metadata: ["call": "\(callID)", "ssrc": "\(header.ssrc)", "count": "\(statistics.foreignSSRC)"])
            }
            return
        case .sequenceJump:
            return
        case .accepted(let ext, let relocked):
            if !fromLatchedSource {
                latched = true
                remoteAddress = source
            }
            lastInboundNanos = nowNanos
            lastMediaNanos = nowNanos
            statistics.packetsReceived += 1
            packetsThisTick += 1
            if packetsThisTick == 11 { statistics.callerEvents.bursts += 1 }
            if relocked {
                jitterBuffer.reset()
                lostBeforeRelock += streamLost
            }
            statistics.callerEvents.ssrcChanges = receiver.relocks
            statistics.callerEvents.timestampJumps = receiver.timestampJumps
            let lost = receiver.packetsLost
            streamLost = lost > 0 ? UInt64(lost) : 0
            statistics.packetsLost = lostBeforeRelock + streamLost
            if header.payloadType == media.payloadType {
                comfortNoiseLevel = nil
                let result = buffer.withUnsafeReadableBytes { raw in
                    let payload = UnsafeRawBufferPointer(
                        rebasing: raw[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
                    return jitterBuffer.insert(
                        sequence: ext, timestamp: header.timestamp, marker: header.marker, payload: payload)
                }
                switch result {
                case .late: statistics.packetsLate += 1
                case .duplicate: statistics.packetsDuplicate += 1
                case .stored, .resynced: break
                }
            } else if let te = media.telephoneEventPayloadType, header.payloadType == te {
                let event: TelephoneEvent? = buffer.withUnsafeReadableBytes { raw in
                    try? TelephoneEvent(parsing: UnsafeRawBufferPointer(rebasing: raw[header.payloadOffset...]))
                }
                if let event, let digit = eventReceiver.received(event, timestamp: header.timestamp) {
                    deliver(digit: digit, source: .rfc4733)
                }
            } else if header.payloadType == ComfortNoise.payloadType, media.codec.clockRate == 8000 {
                // RFC 3389: the caller went quiet (DTX) and tells the level of its background noise.
                statistics.callerEvents.comfortNoisePackets += 1
                comfortNoiseLevel = buffer.withUnsafeReadableBytes { raw in
                    header.payloadLength > 0 ? raw[header.payloadOffset] & 0x7F : 127
                }
            } else {
                statistics.unknownPayloadType += 1
            }
        }
    }

    func receiveRTCP(_ buffer: ByteBuffer, from source: SocketAddress, nowNanos: UInt64) {
        guard isActive else { return }
        let bytes = Array(buffer.readableBytesView)
        guard (try? RTCPPacket.parseCompound(bytes)) != nil else {
            statistics.rtcpMalformed += 1
            if rtcpLog.allow(nowNanos) {
                logger.warning(
                    "malformed RTCP dropped (logged once per 10 s per call)",
                    metadata: ["call": "\(callID)", "from": "\(source)", "count": "\(statistics.rtcpMalformed)"])
            }
            return
        }
        statistics.rtcpReceived += 1
        rtcpRemote = source
    }

    private func countMalformed(_ error: RTPError, from source: SocketAddress, nowNanos: UInt64) {
        statistics.badPackets += 1
        switch error {
        case .badVersion: statistics.badVersion += 1
        case .badPadding: statistics.badPadding += 1
        default: statistics.truncated += 1
        }
        if malformedLog.allow(nowNanos) {
            logger.warning(
                "malformed RTP dropped (logged once per 10 s per call)",
                metadata: [
                    "call": "\(callID)", "from": "\(source)", "error": "\(error)",
                    "count": "\(statistics.badPackets)",
                ])
        }
    }

    /// Hands a digit up once per press: a phone that sends both RFC 4733 events (or SIP INFO) and the tone
    /// in band gives one digit, not two (see `DTMFDeduplicator`; times on the media tick clock).
    func deliver(digit: Character, source: DTMFSource) {
        guard dtmfMerge.accept(digit, atMs: inBandTimeMs, outOfBand: source != .inBand) else { return }
        statistics.digits += 1
        handler?.digitReceived(digit, source: source, session: self)
    }

    /// One media clock tick: pull the inbound frame, hand it up, then write the outbound packet (no flush).
    /// Returns true when a packet was written.
    func tick(nowNanos: UInt64, onTime: Bool = true) -> Bool {
        guard isActive, let media, let codec else { return false }
        ticks += 1
        packetsThisTick = 0
        if rtpTimeoutSeconds > 0, !rtpTimedOut {
            if sdpAddress == nil {
                lastMediaNanos = nowNanos  // on hold: the peer owes us no media
            } else if nowNanos &- lastMediaNanos >= UInt64(rtpTimeoutSeconds) * 1_000_000_000 {
                rtpTimedOut = true
                statistics.callerEvents.rtpTimeouts += 1
                logger.info(
                    "no RTP from the caller: hanging up",
                    metadata: ["call": "\(callID)", "rtp_timeout": "\(rtpTimeoutSeconds)"])
                handler?.mediaTimedOut(self, idleSeconds: rtpTimeoutSeconds)
                hangUp()
            }
        }
        if ticks % 10 == 0 {
            jitterBuffer.adapt(jitterSeconds: receiver.jitterSeconds)
            statistics.jitterMilliseconds = receiver.jitterSeconds * 1000
        }
        // MediaIn: this tick's frame, then (after a burst) the frames beyond the delay target, handed over at
        // once rather than dropped: caller audio is analysed, not played, so nothing the wire delivered is lost.
        // Only on a tick served on time: a media loop that is behind (overload) does not add work; the frames
        // wait in the ring (it holds seconds) until it has caught up. A handler that cannot use extra frames
        // (the echo, which must send one frame per tick) gets them dropped, one per tick, and counted.
        deliverInbound(jitterBuffer.pullFrame(), media: media, codec: codec, catchUp: false)
        if onTime, let handler {
            let wanted = handler.processesExtraMedia
            var extra = 0
            while extra < (wanted ? JitterBuffer.maxCatchUpPerTick : 1), isActive,
                let output = jitterBuffer.pullCatchUpFrame()
            {
                extra += 1
                if wanted {
                    statistics.callerEvents.framesCaughtUp += 1
                    deliverInbound(output, media: media, codec: codec, catchUp: true)
                } else {
                    extraFramesSkipped += 1
                }
            }
        }
        statistics.framesDropped =
            jitterBuffer.statistics.trimmed + jitterBuffer.statistics.discarded + extraFramesSkipped
        guard isActive else { return false }
        if nowNanos >= nextRTCPNanos {
            nextRTCPNanos = nowNanos + 5_000_000_000
            sendRTCP()
        }
        // MediaOut.
        guard let remote = remoteAddress else {
            sender.skip(samples: media.codec.timestampIncrement)
            return false
        }
        if eventSender.isActive, let te = media.telephoneEventPayloadType,
            let p = eventSender.tick(mediaTimestamp: sender.timestamp)
        {
            let header = sender.eventHeader(
                payloadType: te, eventTimestamp: p.timestamp, marker: p.marker, payloadLength: TelephoneEvent.size)
            sender.advance(samples: media.codec.timestampIncrement)
            let n = header.writeFixed(into: packet)
            send(n + p.event.write(into: UnsafeMutableRawBufferPointer(rebasing: packet[n...])), to: remote)
            return true
        }
        let samples = codec.pcm.count
        guard outbound.count > 0 || sendsSilence else {
            sender.skip(samples: media.codec.timestampIncrement)
            return false
        }
        // The frame is encoded straight into the datagram after its 12-byte header.
        let payloadArea = UnsafeMutableRawBufferPointer(rebasing: packet[RTPHeader.fixedSize...])
        let length = codec.pcm.withUnsafeMutableBufferPointer { pcm in
            _ = outbound.take(into: pcm)
            return codec.encode(UnsafeBufferPointer(pcm), into: payloadArea)
        }
        guard length > 0, samples > 0 else { return false }
        let header = sender.nextMediaHeader(
            payloadType: media.payloadType, samples: media.codec.timestampIncrement, payloadLength: length)
        send(header.writeFixed(into: packet) + length, to: remote)
        return true
    }

    /// Decodes one frame out of the jitter buffer (concealment or comfort noise when it is missing), runs
    /// in-band DTMF detection and hands it to the handler (`catchUp`: an extra frame drained after a burst).
    private func deliverInbound(
        _ output: JitterBuffer.PulledFrame, media: NegotiatedMedia, codec: MediaCodecState, catchUp: Bool
    ) {
        switch output {
        case .packet(_, _, let slot): jitterBuffer.withPayload(ofSlot: slot) { codec.decode($0) }
        case .missing:
            if let level = comfortNoiseLevel {
                statistics.callerEvents.comfortNoiseFrames += 1
                codec.comfortNoise(level: level)
            } else {
                statistics.concealed += 1
                codec.decode(nil)
            }
        }
        codec.pcm.withUnsafeBufferPointer { frame in
            // Optional chaining runs the detector in place (`dtmfDetector != nil` would copy it first).
            if let digits = dtmfDetector?.process(frame, timestampMs: inBandTimeMs) {
                for d in digits { deliver(digit: d.digit, source: .inBand) }
                inBandTimeMs += 20
            }
            if catchUp {
                handler?.extraMediaReceived(frame, sampleRate: media.pcmRate, session: self)
            } else {
                handler?.mediaReceived(frame, sampleRate: media.pcmRate, session: self)
                if mayRelay { relay?.relayed(frame, sampleRate: media.pcmRate) }
            }
        }
    }

    func flush() {
        if directWriter == nil { rtpChannel.flush() }
    }

    /// Sends the first `length` bytes of `packet`.
    private func send(_ length: Int, to remote: SocketAddress) {
        statistics.packetsSent += 1
        if discardsOutput { return }
        let bytes = UnsafeRawBufferPointer(rebasing: packet[0..<length])
        if let directWriter {
            // The writer holds `remoteAddress` (the only address RTP goes to) as a raw sockaddr.
            if !directWriter.sendToDestination(bytes) { directWriter.send(bytes, to: remote) }
        } else {
            var buffer = rtpChannel.allocator.buffer(capacity: length)
            buffer.writeBytes(bytes)
            rtpChannel.write(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
        }
    }

    private func sendRTCP() {
        guard let rtcpChannel, let rtcpRemote else { return }
        var packets: [RTCPPacket] = []
        let block = receiver.makeReportBlock()
        if sender.packetsSent > 0 {
            packets.append(
                .senderReport(
                    .init(
                        ssrc: sender.ssrc, ntpTimestamp: Self.ntpNow(), rtpTimestamp: sender.timestamp,
                        packetCount: sender.packetsSent, octetCount: sender.octetsSent,
                        reports: block.map { [$0] } ?? [])))
        } else {
            packets.append(.receiverReport(.init(ssrc: sender.ssrc, reports: block.map { [$0] } ?? [])))
        }
        packets.append(.sourceDescription([.init(ssrc: sender.ssrc, cname: "switchboard@\(callID.prefix(16))")]))
        guard let bytes = try? RTCPPacket.serializeCompound(packets) else { return }
        var buf = rtcpChannel.allocator.buffer(capacity: bytes.count)
        buf.writeBytes(bytes)
        statistics.rtcpSent += 1
        rtcpChannel.writeAndFlush(AddressedEnvelope(remoteAddress: rtcpRemote, data: buf), promise: nil)
    }
}

extension CallMediaSession {
    /// Wall-clock time as a 64-bit NTP timestamp (RFC 3550 §4: seconds since 1900 in the high word, fraction in
    /// the low word), for sender reports.
    static func ntpNow() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let seconds = UInt64(ts.tv_sec) + 2_208_988_800
        let fraction = (UInt64(ts.tv_nsec) << 32) / 1_000_000_000
        return seconds << 32 | fraction
    }
}
