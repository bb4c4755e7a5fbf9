#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Cumulative RTP counters across all calls of one `MediaEngine` (live calls plus every call that ended),
/// for /metrics. Counters never go down. See /work/notes/media-stats-api.md for the metric names.
@dynamicMemberLookup
public struct MediaStatistics: Sendable, Equatable {
    /// Calls with live media now.
    public var activeCalls = 0
    /// Media sessions activated since the engine started.
    public var callsTotal: UInt64 = 0
    /// RTP packets accepted (valid, from the latched peer, on the locked SSRC).
    public var packetsReceived: UInt64 = 0
    /// Expected − received per stream (RFC 3550 A.3), never negative.
    public var packetsLost: UInt64 = 0
    /// Packets that arrived after their play-out time (dropped by the jitter buffer).
    public var packetsLate: UInt64 = 0
    /// Duplicate packets still in the jitter buffer (dropped).
    public var packetsDuplicate: UInt64 = 0
    /// 20 ms frames played as concealment (Opus PLC or silence).
    public var framesConcealed: UInt64 = 0
    /// Frames the jitter buffer dropped unplayed: trimmed after a burst, or discarded on a resync/re-lock/codec switch.
    public var framesDropped: UInt64 = 0
    /// Malformed RTP (dropped): `badVersion + badPadding + truncated`.
    public var malformed: UInt64 = 0
    public var badVersion: UInt64 = 0
    public var badPadding: UInt64 = 0
    public var truncated: UInt64 = 0
    /// RTP from an address other than the call's latched peer (dropped).
    public var unknownSource: UInt64 = 0
    /// Another SSRC on the call's address that did not (yet) re-lock (dropped).
    public var foreignSSRC: UInt64 = 0
    /// A payload type that was not negotiated (dropped).
    public var unknownPayloadType: UInt64 = 0
    /// RTP packets sent (media and telephone-events).
    public var packetsSent: UInt64 = 0
    /// RTP sends the kernel refused (full socket buffer, unreachable peer); the packet is not retried.
    public var sendFailures: UInt64 = 0
    public var rtcpSent: UInt64 = 0
    public var rtcpReceived: UInt64 = 0
    public var rtcpMalformed: UInt64 = 0
    /// Outbound packets written within 1 ms of their 20 ms schedule, and later than that.
    public var sendsWithin1ms: UInt64 = 0
    public var sendsLate: UInt64 = 0
    /// Worst lateness of one send so far.
    public var maxSendLatenessMicroseconds: Int64 = 0
    /// Caller-side media events (issue 13; read by AdminMetrics+SIP for /metrics), summed over calls; the
    /// counters read through (`statistics.bursts`).
    public var callerEvents = CallerMediaEvents()

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<CallerMediaEvents, Value>) -> Value {
        get { callerEvents[keyPath: keyPath] }
        set { callerEvents[keyPath: keyPath] = newValue }
    }

    public init() {}

    /// Adds one call's counters.
    mutating func add(_ s: CallMediaSession.Statistics) {
        packetsReceived += s.packetsReceived
        packetsLost += s.packetsLost
        packetsLate += s.packetsLate
        packetsDuplicate += s.packetsDuplicate
        framesConcealed += s.concealed
        framesDropped += s.framesDropped
        malformed += s.badPackets
        badVersion += s.badVersion
        badPadding += s.badPadding
        truncated += s.truncated
        unknownSource += s.unknownSource
        foreignSSRC += s.foreignSSRC
        unknownPayloadType += s.unknownPayloadType
        packetsSent += s.packetsSent
        rtcpSent += s.rtcpSent
        rtcpReceived += s.rtcpReceived
        rtcpMalformed += s.rtcpMalformed
        callerEvents.add(s.callerEvents)
    }
}

/// A value behind a pthread mutex: the media loop publishes, any thread reads.
final class MediaLockedBox<Value: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func load() -> Value {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return value
    }

    func store(_ new: Value) {
        pthread_mutex_lock(mutex)
        value = new
        pthread_mutex_unlock(mutex)
    }
}

/// Allows one log line per interval (default 10 s) for a noisy condition.
struct RateLimitedLog {
    var intervalNanos: UInt64 = 10_000_000_000
    private var last: UInt64 = 0
    private var started = false
    mutating func allow(_ now: UInt64) -> Bool {
        if started && now &- last < intervalNanos { return false }
        started = true
        last = now
        return true
    }
}
