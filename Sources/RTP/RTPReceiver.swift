/// Receive-side bookkeeping for one RTP stream (RFC 3550 §6.4.1 and appendix A.1, A.3, A.8):
/// SSRC locking with re-lock, extended (wrapping) sequence numbers, loss/reorder counters and the
/// interarrival jitter estimate. Pure: the caller passes each packet's arrival time.
public struct RTPReceiver: Sendable {
    public enum Verdict: Equatable, Sendable {
        /// The packet belongs to the locked stream; `extendedSequence` counts wraps (cycles << 16 | seq).
        case accepted(extendedSequence: Int64, relocked: Bool)
        /// Another SSRC, not (yet) seen often enough to re-lock onto it.
        case foreignSSRC
        /// A large sequence jump; it is accepted once the next packet confirms the new sequence.
        case sequenceJump
    }

    public let clockRate: Int
    public private(set) var ssrc: UInt32?
    public private(set) var packetsReceived: UInt64 = 0
    public private(set) var packetsReordered: UInt64 = 0
    public private(set) var foreignPackets: UInt64 = 0
    public private(set) var relocks: UInt64 = 0
    /// Packets whose RTP timestamp moved more than a second against their arrival time, or ran back more than
    /// 100 ms (a sender restarted its clock); the jitter estimate skips them instead of blowing up.
    public private(set) var timestampJumps: UInt64 = 0
    /// How long the locked stream must have been silent for a new SSRC to take over on its first packet (a
    /// stream that stopped and restarted as a new one) rather than after two packets in sequence.
    public var quietRelockNanos: UInt64 = 500_000_000
    private var lastArrivalNanos: UInt64 = 0
    private var lastTimestamp: UInt32?
    /// Highest extended sequence number seen.
    public private(set) var highestSequence: Int64 = 0
    /// RFC 3550 interarrival jitter in timestamp units.
    public private(set) var jitter: Double = 0

    private var baseSequence: Int64 = 0
    private var maxSeq: UInt16 = 0
    private var cycles: Int64 = 0
    private var badSeq: Int64 = -1
    private var lastTransit: Int64?
    private var candidateSSRC: UInt32?
    private var candidateSeq: UInt16 = 0
    private var expectedPrior: Int64 = 0
    private var receivedPrior: UInt64 = 0

    static let maxDropout: UInt16 = 3000
    static let maxMisorder: UInt16 = 100

    public init(clockRate: Int) {
        self.clockRate = clockRate
    }

    /// Jitter in seconds.
    public var jitterSeconds: Double { jitter / Double(clockRate) }

    /// Packets expected from the first to the highest sequence number.
    public var packetsExpected: Int64 { ssrc == nil ? 0 : highestSequence - baseSequence + 1 }

    /// Cumulative packets lost (expected − received, can go negative with duplicates as RFC 3550 says).
    public var packetsLost: Int64 { packetsExpected - Int64(packetsReceived) }

    /// Feeds one packet header. `arrivalNanos` is a monotonic arrival time in nanoseconds.
    public mutating func received(_ header: RTPHeader, arrivalNanos: UInt64) -> Verdict {
        var relocked = false
        if let locked = ssrc, locked != header.ssrc {
            foreignPackets += 1
            // Re-lock when the new source sends two packets in sequence (a PBX changed SSRC on transfer).
            let quiet = arrivalNanos >= lastArrivalNanos && arrivalNanos - lastArrivalNanos >= quietRelockNanos
            if quiet || (candidateSSRC == header.ssrc && header.sequenceNumber == candidateSeq &+ 1) {
                relocks += 1
                relocked = true
                lock(header)
            } else {
                candidateSSRC = header.ssrc
                candidateSeq = header.sequenceNumber
                return .foreignSSRC
            }
        } else if ssrc == nil {
            lock(header)
        } else {
            let seq = header.sequenceNumber
            let delta = seq &- maxSeq
            if delta == 0 && packetsReceived > 0 {
                packetsReordered += 1  // duplicate; the jitter buffer drops it
            } else if delta < Self.maxDropout {
                if seq < maxSeq { cycles += 65536 }
                maxSeq = seq
            } else if delta <= UInt16.max - Self.maxMisorder {
                // Very large jump: accept only if the next packet confirms it (RFC 3550 A.1).
                if Int64(seq) == badSeq {
                    lock(header)
                    relocked = true
                } else {
                    badSeq = Int64(seq &+ 1)
                    return .sequenceJump
                }
            } else {
                packetsReordered += 1
            }
        }
        packetsReceived += 1
        lastArrivalNanos = arrivalNanos
        let ext = extended(header.sequenceNumber)
        if ext > highestSequence { highestSequence = ext }
        updateJitter(timestamp: header.timestamp, arrivalNanos: arrivalNanos)
        return .accepted(extendedSequence: ext, relocked: relocked)
    }

    /// A reception report block for RTCP, updating the "since last report" counters.
    public mutating func makeReportBlock() -> RTCPPacket.ReportBlock? {
        guard let ssrc else { return nil }
        let expected = packetsExpected
        let expectedInterval = expected - expectedPrior
        let receivedInterval = Int64(packetsReceived) - Int64(receivedPrior)
        expectedPrior = expected
        receivedPrior = packetsReceived
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 =
            expectedInterval <= 0 || lostInterval <= 0 ? 0 : UInt8(min(255, (lostInterval << 8) / expectedInterval))
        return RTCPPacket.ReportBlock(
            ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(clamping: packetsLost),
            extendedHighestSequence: UInt32(truncatingIfNeeded: highestSequence), jitter: UInt32(jitter))
    }

    private mutating func lock(_ header: RTPHeader) {
        ssrc = header.ssrc
        maxSeq = header.sequenceNumber
        cycles = 0
        badSeq = -1
        baseSequence = Int64(header.sequenceNumber)
        highestSequence = baseSequence
        packetsReceived = 0
        expectedPrior = 0
        receivedPrior = 0
        lastTransit = nil
        lastTimestamp = nil
        candidateSSRC = nil
    }

    private func extended(_ seq: UInt16) -> Int64 {
        var ext = cycles + Int64(seq)
        // A late packet from before the last wrap belongs to the previous cycle.
        if seq > maxSeq, seq &- maxSeq > UInt16.max / 2 { ext -= 65536 }
        return ext
    }

    private mutating func updateJitter(timestamp: UInt32, arrivalNanos: UInt64) {
        let arrival = Int64(truncatingIfNeeded: arrivalNanos / 1000) * Int64(clockRate) / 1_000_000
        let transit = arrival &- Int64(timestamp)
        var backwards = false
        if let previous = lastTimestamp {
            backwards = Int64(Int32(truncatingIfNeeded: timestamp &- previous)) < -Int64(clockRate / 10)
        }
        lastTimestamp = timestamp
        if let last = lastTransit {
            // Wrap-safe difference of 32-bit RTP time.
            let d = abs(Int64(Int32(truncatingIfNeeded: transit &- last)))
            if backwards || d > Int64(clockRate) {
                // The sender's clock jumped (or ran back) against arrival time: a discontinuity, not jitter.
                timestampJumps += 1
                lastTransit = transit
                return
            }
            jitter += (Double(d) - jitter) / 16
        }
        lastTransit = transit
    }
}
