// Admin metrics fed from cumulative counters sampled at every scrape: the media engine's RTP counters (all
// calls so far) and the SIP transport's counters. The source owns the numbers (monotonic totals); each scrape
// adds what grew since the last one to the Prometheus counters, so nothing runs on the media or SIP path.

import Prometheus

extension AdminMetrics {
    /// RTP totals across all calls since the media engine started (they never go down).
    public struct RTPCounters: Sendable, Hashable {
        public var received: UInt64 = 0
        public var sent: UInt64 = 0
        /// Expected minus received per stream (RFC 3550 A.3).
        public var lost: UInt64 = 0
        /// Arrived after their play-out time (dropped by the jitter buffer).
        public var late: UInt64 = 0
        public var duplicate: UInt64 = 0
        /// Not RTP (bad version, padding or length).
        public var malformed: UInt64 = 0
        /// From an address other than the call's peer.
        public var unknownSource: UInt64 = 0
        /// Another SSRC on the call's address.
        public var foreignSSRC: UInt64 = 0
        public var unknownPayloadType: UInt64 = 0
        /// 20 ms frames played as concealment (nothing to play in time).
        public var concealedFrames: UInt64 = 0
        /// Caller-side media events, by kind (`comfort_noise`, `ssrc_change`, `timestamp_jump`, `burst`,
        /// `handler_drop`, `rtp_timeout`): cumulative totals.
        public var events: [String: UInt64] = [:]

        public init() {}
    }

    /// The kinds of `switchboard_rtp_events_total{kind}`.
    public static let rtpEventKinds = [
        "comfort_noise", "ssrc_change", "timestamp_jump", "burst", "handler_drop", "rtp_timeout",
    ]

    /// Samples the media engine's RTP totals at every scrape: `switchboard_rtp_packets_lost_total`,
    /// `…_late_total`, `…_received_total`, `…_sent_total`, `…_dropped_total{reason}`,
    /// `switchboard_rtp_frames_concealed_total` and `switchboard_rtp_events_total{kind}`.
    public func observe(mediaStatistics: @escaping @Sendable () -> RTPCounters) {
        let lost = DeltaCounter(rtpPacketsLost)
        let late = DeltaCounter(rtpPacketsLate)
        let received = DeltaCounter(
            registry.makeCounter(descriptor: Self.name("rtp_packets_received", "total", "RTP packets accepted.")))
        let sent = DeltaCounter(registry.makeCounter(descriptor: Self.name("rtp_packets_sent", "total", "RTP packets sent.")))
        let concealed = DeltaCounter(
            registry.makeCounter(
                descriptor: Self.name("rtp_frames_concealed", "total", "20 ms frames played as concealment.")))
        func dropped(_ reason: String) -> DeltaCounter {
            DeltaCounter(
                registry.makeCounter(
                    descriptor: Self.name("rtp_packets_dropped", "total", "RTP packets dropped on arrival, by reason."),
                    labels: [("reason", reason)]))
        }
        let duplicate = dropped("duplicate")
        let malformed = dropped("malformed")
        let unknownSource = dropped("unknown_source")
        let foreignSSRC = dropped("foreign_ssrc")
        let unknownPayloadType = dropped("unknown_payload_type")
        var eventCounters: [String: DeltaCounter] = [:]
        for kind in Self.rtpEventKinds {
            eventCounters[kind] = DeltaCounter(
                registry.makeCounter(
                    descriptor: Self.name(
                        "rtp_events", "total",
                        "Caller media events: comfort noise packets, SSRC changes, timestamp jumps, bursts, drops, RTP timeouts."),
                    labels: [("kind", kind)]))
        }
        let events = eventCounters
        addScrapeSource {
            let now = mediaStatistics()
            lost.advance(to: now.lost)
            late.advance(to: now.late)
            received.advance(to: now.received)
            sent.advance(to: now.sent)
            concealed.advance(to: now.concealedFrames)
            duplicate.advance(to: now.duplicate)
            malformed.advance(to: now.malformed)
            unknownSource.advance(to: now.unknownSource)
            foreignSSRC.advance(to: now.foreignSSRC)
            unknownPayloadType.advance(to: now.unknownPayloadType)
            for (kind, counter) in events { counter.advance(to: now.events[kind] ?? 0) }
        }
    }
}

/// A Prometheus counter that follows a cumulative total: each `advance(to:)` adds the growth since the last one.
/// A total that went down (its source restarted) counts from zero again.
final class DeltaCounter: Sendable {
    private let counter: Counter
    private let last = LockedBox<UInt64>(0)

    init(_ counter: Counter) {
        self.counter = counter
    }

    func advance(to total: UInt64) {
        let delta = last.withLock { last -> UInt64 in
            defer { last = total }
            return total >= last ? total - last : total
        }
        if delta > 0 { counter.increment(by: Int64(clamping: delta)) }
    }
}
