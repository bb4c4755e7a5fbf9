// Counters of the caller-side media events (issue 13) that a call's `CallMediaSession.Statistics` and the
// engine-wide `MediaStatistics` both keep: one definition, summed into the engine's on each call's end.

/// What the caller's stream did besides plain audio: comfort noise, SSRC changes, timestamp jumps, bursts.
public struct CallerMediaEvents: Sendable, Equatable {
    /// RFC 3389 comfort-noise packets (PT 13) accepted (callers in DTX), and frames played as comfort noise.
    public var comfortNoisePackets: UInt64 = 0
    public var comfortNoiseFrames: UInt64 = 0
    /// Times the caller's stream changed SSRC (a stream that stopped and restarted as a new one).
    public var ssrcChanges: UInt64 = 0
    /// RTP timestamps that jumped (more than 1 s either way) or ran backwards; the jitter estimate skips them.
    public var timestampJumps: UInt64 = 0
    /// Arrival bursts: more than 10 packets (200 ms of audio) within one 20 ms media tick.
    public var bursts: UInt64 = 0
    /// Frames handed to the handler early, beyond one per tick, to drain the jitter buffer after a burst.
    public var framesCaughtUp: UInt64 = 0
    /// Inbound frames or digits the call's handler could not pass on (its queue to the call was full).
    public var handlerDrops: UInt64 = 0
    /// Calls ended for `sip.rtp_timeout` (no caller RTP for that long, not on hold): 1 per such call.
    public var rtpTimeouts: UInt64 = 0

    public init() {}

    /// Adds another call's counters.
    public mutating func add(_ other: CallerMediaEvents) {
        comfortNoisePackets += other.comfortNoisePackets
        comfortNoiseFrames += other.comfortNoiseFrames
        ssrcChanges += other.ssrcChanges
        timestampJumps += other.timestampJumps
        bursts += other.bursts
        framesCaughtUp += other.framesCaughtUp
        handlerDrops += other.handlerDrops
        rtpTimeouts += other.rtpTimeouts
    }
}
