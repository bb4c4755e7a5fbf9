/// RTCP packets (RFC 3550 §6): sender report, receiver report, SDES (CNAME only) and BYE.
/// A datagram is a compound of several; `RTCPPacket.parseCompound` returns them in order.
public enum RTCPPacket: Equatable, Sendable {
    case senderReport(SenderReport)
    case receiverReport(ReceiverReport)
    case sourceDescription([SDESChunk])
    case bye(Bye)

    /// One reception report block (24 bytes) about a source we receive.
    public struct ReportBlock: Equatable, Sendable {
        public var ssrc: UInt32
        public var fractionLost: UInt8
        /// Cumulative packets lost, 24-bit signed.
        public var cumulativeLost: Int32
        public var extendedHighestSequence: UInt32
        public var jitter: UInt32
        public var lastSR: UInt32
        public var delaySinceLastSR: UInt32

        public init(
            ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequence: UInt32,
            jitter: UInt32, lastSR: UInt32 = 0, delaySinceLastSR: UInt32 = 0
        ) {
            self.ssrc = ssrc
            self.fractionLost = fractionLost
            self.cumulativeLost = cumulativeLost
            self.extendedHighestSequence = extendedHighestSequence
            self.jitter = jitter
            self.lastSR = lastSR
            self.delaySinceLastSR = delaySinceLastSR
        }
    }

    public struct SenderReport: Equatable, Sendable {
        public var ssrc: UInt32
        public var ntpTimestamp: UInt64
        public var rtpTimestamp: UInt32
        public var packetCount: UInt32
        public var octetCount: UInt32
        public var reports: [ReportBlock]
        public init(
            ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
            reports: [ReportBlock] = []
        ) {
            self.ssrc = ssrc
            self.ntpTimestamp = ntpTimestamp
            self.rtpTimestamp = rtpTimestamp
            self.packetCount = packetCount
            self.octetCount = octetCount
            self.reports = reports
        }
    }

    public struct ReceiverReport: Equatable, Sendable {
        public var ssrc: UInt32
        public var reports: [ReportBlock]
        public init(ssrc: UInt32, reports: [ReportBlock] = []) {
            self.ssrc = ssrc
            self.reports = reports
        }
    }

    public struct SDESChunk: Equatable, Sendable {
        public var ssrc: UInt32
        public var cname: String
        public init(ssrc: UInt32, cname: String) {
            self.ssrc = ssrc
            self.cname = cname
        }
    }

    public struct Bye: Equatable, Sendable {
        public var sources: [UInt32]
        public var reason: String?
        public init(sources: [UInt32], reason: String? = nil) {
            self.sources = sources
            self.reason = reason
        }
    }

    static let typeSR: UInt8 = 200
    static let typeRR: UInt8 = 201
    static let typeSDES: UInt8 = 202
    static let typeBYE: UInt8 = 203
}
