/// Send-side RTP bookkeeping for one stream: SSRC, sequence number and timestamp (random starts, RFC 3550
/// §5.1), the marker bit on the first packet of a talkspurt, and packet/octet counts for sender reports.
public struct RTPSender: Sendable {
    public let ssrc: UInt32
    /// Sequence number of the next packet.
    public private(set) var sequenceNumber: UInt16
    /// Media timestamp of the next frame.
    public private(set) var timestamp: UInt32
    public private(set) var packetsSent: UInt32 = 0
    public private(set) var octetsSent: UInt32 = 0
    private var markNext = true

    public init(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
    }

    /// Random SSRC, sequence and timestamp from `generator`.
    public init(using generator: inout some RandomNumberGenerator) {
        self.init(
            ssrc: UInt32.random(in: 1...UInt32.max, using: &generator),
            sequenceNumber: UInt16.random(in: 0...UInt16.max, using: &generator),
            timestamp: UInt32.random(in: 0...UInt32.max, using: &generator))
    }

    /// The header for the next media frame of `samples` samples, advancing sequence and timestamp.
    /// The first packet, and the first after `skip(samples:)`, carries the marker bit.
    public mutating func nextMediaHeader(payloadType: UInt8, samples: UInt32, payloadLength: Int) -> RTPHeader {
        let header = RTPHeader(
            marker: markNext, payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp,
            ssrc: ssrc)
        markNext = false
        sequenceNumber &+= 1
        timestamp &+= samples
        count(payloadLength)
        return header
    }

    /// A frame of silence that is not sent: time moves on, the next media packet starts a talkspurt.
    public mutating func skip(samples: UInt32) {
        timestamp &+= samples
        markNext = true
    }

    /// The header for a telephone-event packet: its own timestamp (the event start), next sequence number.
    /// Media time is advanced separately with `skip(samples:)`/`advance(samples:)` while events play.
    public mutating func eventHeader(
        payloadType: UInt8, eventTimestamp: UInt32, marker: Bool, payloadLength: Int
    ) -> RTPHeader {
        let header = RTPHeader(
            marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: eventTimestamp,
            ssrc: ssrc)
        sequenceNumber &+= 1
        count(payloadLength)
        return header
    }

    /// Advances media time without changing the talkspurt state (a frame's time spent sending an event).
    public mutating func advance(samples: UInt32) {
        timestamp &+= samples
    }

    private mutating func count(_ payloadLength: Int) {
        packetsSent &+= 1
        octetsSent &+= UInt32(truncatingIfNeeded: payloadLength)
    }
}
