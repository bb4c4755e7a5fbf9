/// Plays queued DTMF digits as RFC 4733 telephone-events, one packet per media tick.
///
/// Each digit: a first packet with the marker bit, continuation packets with growing duration, then the end
/// packet three times (all with the event's start timestamp), then a short pause before the next digit.
public struct TelephoneEventSender: Sendable {
    public struct Packet: Equatable, Sendable {
        public var event: TelephoneEvent
        /// RTP timestamp of the event start (the same for every packet of one event).
        public var timestamp: UInt32
        public var marker: Bool
    }

    public let samplesPerTick: UInt16
    public let toneSamples: UInt16
    public let pauseTicks: Int

    // Inlinable reads (`isActive`, asked every tick) see these in place instead of copying the sender.
    @usableFromInline var queue: [UInt8] = []
    @usableFromInline var current: (event: UInt8, start: UInt32, duration: UInt16, endsSent: Int)?
    private var pauseLeft = 0

    /// - Parameters: samples per 20 ms tick (160 at 8 kHz), tone length in samples (default 100 ms),
    ///   pause between digits in ticks.
    public init(samplesPerTick: UInt16 = 160, toneSamples: UInt16 = 800, pauseTicks: Int = 3) {
        self.samplesPerTick = samplesPerTick
        self.toneSamples = max(samplesPerTick, toneSamples)
        self.pauseTicks = pauseTicks
    }

    /// True while a digit is playing or queued (the caller sends no audio on such ticks).
    @inlinable public var isActive: Bool { current != nil || !queue.isEmpty }

    /// Queues digits; characters that are not DTMF digits are ignored. Returns how many were queued.
    @discardableResult
    public mutating func enqueue(_ digits: String) -> Int {
        var n = 0
        for ch in digits {
            if let e = TelephoneEvent.event(forDigit: ch) {
                queue.append(e)
                n += 1
            }
        }
        return n
    }

    /// The packet to send on this tick, if any. `mediaTimestamp` is the stream's current media timestamp.
    public mutating func tick(mediaTimestamp: UInt32) -> Packet? {
        if var cur = current {
            if cur.duration < toneSamples {
                cur.duration = min(toneSamples, cur.duration &+ samplesPerTick)
                current = cur
                let isEnd = cur.duration >= toneSamples
                if isEnd {
                    current?.endsSent = 1
                }
                return Packet(
                    event: TelephoneEvent(event: cur.event, end: isEnd, duration: cur.duration),
                    timestamp: cur.start, marker: false)
            }
            if cur.endsSent < 3 {
                current?.endsSent += 1
                return Packet(
                    event: TelephoneEvent(event: cur.event, end: true, duration: cur.duration),
                    timestamp: cur.start, marker: false)
            }
            current = nil
            pauseLeft = pauseTicks
        }
        if pauseLeft > 0 {
            pauseLeft -= 1
            return nil
        }
        guard !queue.isEmpty else { return nil }
        let event = queue.removeFirst()
        current = (event, mediaTimestamp, samplesPerTick, 0)
        return Packet(
            event: TelephoneEvent(event: event, end: false, duration: samplesPerTick), timestamp: mediaTimestamp,
            marker: true)
    }
}
