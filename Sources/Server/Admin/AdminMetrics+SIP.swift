// Admin metrics from the SIP/RTP server (Bridges): the SIP bridge's counters and the media engine's RTP totals,
// both cumulative snapshots read lock-free of the event loops at scrape time.
public import Bridges
import Prometheus

extension AdminMetrics.RTPCounters {
    /// The media engine's totals (`MediaEngine.statistics()`).
    public init(_ media: MediaStatistics) {
        self.init()
        received = media.packetsReceived
        sent = media.packetsSent
        lost = media.packetsLost
        late = media.packetsLate
        duplicate = media.packetsDuplicate
        malformed = media.malformed
        unknownSource = media.unknownSource
        foreignSSRC = media.foreignSSRC
        unknownPayloadType = media.unknownPayloadType
        concealedFrames = media.framesConcealed
        events = [
            "comfort_noise": media.comfortNoisePackets, "ssrc_change": media.ssrcChanges,
            "timestamp_jump": media.timestampJumps, "burst": media.bursts, "burst_catch_up_frame": media.framesCaughtUp,
            "frame_dropped": media.framesDropped, "handler_drop": media.handlerDrops,
            "rtp_timeout": media.rtpTimeouts,
        ]
    }
}

extension AdminMetrics {
    /// Everything a running SIP server counts: RTP (`observe(mediaStatistics:)`) and SIP (`observe(sipStatistics:)`).
    public func observe(sipServer: SIPServer) {
        let media = sipServer.media
        let bridge = sipServer.bridge
        observe(mediaStatistics: { RTPCounters(media.statistics()) })
        observe(sipStatistics: { bridge.statisticsSnapshot() })
    }

    /// Samples the SIP bridge's counters at every scrape: `switchboard_sip_datagrams_total`, `…_dropped_total`,
    /// `…_rejected_total`, `…_bad_requests_total`, `…_bad_input_total{kind}`, `…_calls_total{event}`,
    /// `…_transfers_total`, `…_refused_total{reason}`, `…_info_digits_total`, `…_media_updates_total`, `…_codec_changes_total`, and the
    /// gauges `switchboard_sip_active_calls`, `switchboard_sip_transactions`.
    public func observe(sipStatistics: @escaping @Sendable () -> SIPBridge.Statistics) {
        let registry = self.registry
        func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> DeltaCounter {
            DeltaCounter(registry.makeCounter(descriptor: Self.name(name, "total", help), labels: labels))
        }
        let datagrams = counter("sip_datagrams", "UDP datagrams received on the SIP socket.")
        let dropped = counter("sip_dropped", "SIP datagrams or messages dropped without an answer.")
        let rejected = counter("sip_rejected", "SIP requests answered at once with an error by the front door.")
        let badRequests = counter("sip_bad_requests", "400 Bad Request responses sent.")
        let transfers = counter("sip_transfers", "Blind transfers (REFER) accepted by the far end.")
        let infoDigits = counter("sip_info_digits", "DTMF digits received in SIP INFO.")
        let mediaUpdates = counter("sip_media_updates", "re-INVITEs that changed the media.")
        let codecChanges = counter("sip_codec_changes", "re-INVITEs that switched the codec.")
        let callEvents = ["offered", "answered", "rejected", "cancelled", "ended"].map { event in
            counter("sip_calls", "SIP calls by event.", [("event", event)])
        }
        let active = registry.makeGauge(descriptor: Self.name("sip_active_calls", "", "SIP dialogs in progress."))
        let transactions = registry.makeGauge(descriptor: Self.name("sip_transactions", "", "SIP transactions in progress."))
        let badInput = LockedBox<[String: DeltaCounter]>([:])
        // Requests refused before the UA core (allow-list, INVITE rate, call cap), one series per reason from start.
        let refused = SIPRefusalReason.allCases.map { reason in
            (reason.rawValue, counter("sip_refused", "SIP requests refused before any call (protection), by reason.", [("reason", reason.rawValue)]))
        }
        addScrapeSource {
            let now = sipStatistics()
            datagrams.advance(to: now.datagramsReceived)
            dropped.advance(to: now.dropped)
            rejected.advance(to: now.rejectedAnswered)
            badRequests.advance(to: now.badRequestsAnswered)
            transfers.advance(to: now.transfersAccepted)
            infoDigits.advance(to: now.digitsViaInfo)
            mediaUpdates.advance(to: now.mediaUpdates)
            codecChanges.advance(to: now.codecChanges)
            let calls = [now.callsOffered, now.callsAnswered, now.callsRejected, now.callsCancelled, now.callsEnded]
            for (counter, total) in zip(callEvents, calls) { counter.advance(to: total) }
            for (reason, counter) in refused { counter.advance(to: now.refused[reason] ?? 0) }
            active.set(Double(now.activeCalls))
            transactions.set(Double(now.transactions))
            for (kind, total) in now.badInput {
                let counter = badInput.withLock { known in
                    if let counter = known[kind] { return counter }
                    let made = DeltaCounter(
                        registry.makeCounter(
                            descriptor: Self.name("sip_bad_input", "total", "Bad SIP input by kind (answered or dropped)."),
                            labels: [("kind", kind)]))
                    known[kind] = made
                    return made
                }
                counter.advance(to: total)
            }
        }
    }
}
