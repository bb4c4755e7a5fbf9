/// Turns received RFC 4733 telephone-event packets into DTMF digits, each reported once.
///
/// All packets of one event share its start timestamp; continuation and the three end packets are
/// de-duplicated by (timestamp, event). A lost start packet still yields the digit from a later packet.
public struct TelephoneEventReceiver: Sendable {
    private var lastKey: (timestamp: UInt32, event: UInt8)?
    private var lastEnded = false
    public private(set) var digitsReported: UInt64 = 0
    public private(set) var duplicates: UInt64 = 0

    public init() {}

    /// Feeds one event packet; returns the digit when this is the first packet of a new event.
    public mutating func received(_ event: TelephoneEvent, timestamp: UInt32) -> Character? {
        if let key = lastKey, key.timestamp == timestamp, key.event == event.event {
            duplicates += 1
            lastEnded = lastEnded || event.end
            return nil
        }
        lastKey = (timestamp, event.event)
        lastEnded = event.end
        guard let digit = event.digit else { return nil }
        digitsReported += 1
        return digit
    }

    /// Whether the last event seen has ended (an end packet arrived).
    public var lastEventEnded: Bool { lastEnded }
}
