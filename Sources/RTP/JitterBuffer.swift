/// An adaptive playout buffer for one inbound RTP stream with a fixed packet time (20 ms by default).
///
/// Packets go in keyed by extended sequence number (from `RTPReceiver`); the media clock pulls exactly one
/// frame per tick and gets either the packet due or `.missing`, so the codec can conceal (Opus PLC, silence
/// for G.711). Reordered packets are put back in order, duplicates and late packets dropped. The playout
/// delay target follows the measured jitter (`adapt(jitterSeconds:)`) between `minDelay` and `maxDelay`.
/// The ring starts at four times `maxDelay` and grows up to `burstFrames` packets (256 = 5 s of 20 ms audio)
/// when a burst needs it, so a burst of a few hundred packets released at once by the network is kept whole; a buffer that grew past the target after such a
/// burst is not trimmed (that would throw away audio the wire delivered) but drained early: `pullCatchUp()`
/// hands out one extra frame per tick (more when far behind), which the receiver processes at once (caller
/// audio is analysed, not played). Payloads live in one byte array beside the ring, a fixed
/// stride per slot (the largest payload so far), so steady-state inserts neither allocate nor reference-count.
public struct JitterBuffer: Sendable {
    public enum Output: Equatable, Sendable {
        case packet(timestamp: UInt32, marker: Bool, payload: [UInt8])
        /// Nothing to play this tick (loss, underrun, or still filling): conceal.
        case missing
    }

    public enum InsertResult: Equatable, Sendable {
        case stored, duplicate, late, resynced
    }

    public struct Statistics: Equatable, Sendable {
        public var stored: UInt64 = 0
        public var duplicates: UInt64 = 0
        public var late: UInt64 = 0
        public var played: UInt64 = 0
        public var concealed: UInt64 = 0
        public var underruns: UInt64 = 0
        /// Always 0 now: nothing is trimmed (kept so counters that sum it stay valid).
        public var trimmed: UInt64 = 0
        /// Frames handed out early by `pullCatchUp()` to bring the delay back down after a burst.
        public var caughtUp: UInt64 = 0
        public var resyncs: UInt64 = 0
        /// Buffered frames thrown away unplayed by `reset()` (resync, SSRC re-lock, codec switch).
        public var discarded: UInt64 = 0
    }

    private struct Slot: Sendable {
        var sequence: Int64 = -1
        var timestamp: UInt32 = 0
        var marker = false
        var length = 0
    }

    public let frameMilliseconds: Int
    public let minFrames: Int
    public let maxFrames: Int
    public private(set) var targetFrames: Int
    public private(set) var statistics = Statistics()

    private var slots: [Slot]
    /// Payload bytes: slot i's at `i * stride` (plain values, no array per slot: nothing to reference-count).
    private var payloads: [UInt8] = []
    /// Room per slot: the largest payload stored so far (160 for 20 ms of G.711); grows, never shrinks.
    private var stride = 0
    private var mask: Int
    /// The most slots the ring grows to (a burst's span); it starts at four times `maxDelay`.
    private let maxSlots: Int
    private var playing = false
    /// Next sequence to play (valid when `count > 0` or `playing`).
    private var head: Int64 = 0
    private var highest: Int64 = -1
    private var lastPlayed: Int64 = -1
    public private(set) var count = 0
    private var overTargetTicks = 0

    /// - Parameters: frame length, delay bounds in milliseconds, and the burst (in packets) the ring must hold.
    public init(frameMilliseconds: Int = 20, minDelay: Int = 20, maxDelay: Int = 200, burstFrames: Int = 256) {
        self.frameMilliseconds = max(1, frameMilliseconds)
        minFrames = max(1, minDelay / self.frameMilliseconds)
        maxFrames = max(minFrames, maxDelay / self.frameMilliseconds)
        targetFrames = minFrames
        var size = 1
        while size < maxFrames * 4 { size <<= 1 }
        var most = size
        while most < burstFrames { most <<= 1 }
        maxSlots = most
        mask = size - 1
        slots = [Slot](repeating: Slot(), count: size)
    }

    /// Ring slots now (grows after a burst, never shrinks).
    public var capacity: Int { slots.count }

    /// Current playout delay target in milliseconds.
    public var targetDelayMilliseconds: Int { targetFrames * frameMilliseconds }

    /// Frames buffered from the play position to the newest packet.
    public var depth: Int { count == 0 ? 0 : Int(highest - head + 1) }

    /// Sets the delay target from measured jitter: one frame plus four times the jitter, rounded up to
    /// whole frames, within the configured bounds.
    public mutating func adapt(jitterSeconds: Double) {
        let ms = Double(frameMilliseconds) + 4 * jitterSeconds * 1000
        let frames = Int((ms / Double(frameMilliseconds)).rounded(.up))
        targetFrames = min(maxFrames, max(minFrames, frames))
    }

    /// Stores one packet's payload.
    @discardableResult
    public mutating func insert(
        sequence: Int64, timestamp: UInt32, marker: Bool, payload: UnsafeRawBufferPointer
    ) -> InsertResult {
        if sequence <= lastPlayed && lastPlayed - sequence < Int64(slots.count) {
            statistics.late += 1
            return .late
        }
        var result = InsertResult.stored
        if count > 0 || playing {
            let low = min(head, sequence)
            let high = max(highest, sequence)
            if high - low >= Int64(slots.count), high - low < Int64(maxSlots), sequence >= lastPlayed {
                // A burst wider than the ring: the ring grows (rare; steady streams keep the small one).
                grow(toSpan: Int(high - low + 1))
            }
            if high - low >= Int64(slots.count) || sequence < lastPlayed {
                // A jump the ring cannot span: start over from this packet.
                reset()
                statistics.resyncs += 1
                result = .resynced
            }
        }
        let index = Int(sequence & Int64(mask))
        if slots[index].sequence == sequence {
            statistics.duplicates += 1
            return .duplicate
        }
        slots[index].sequence = sequence
        slots[index].timestamp = timestamp
        slots[index].marker = marker
        if payload.count > stride { widen(to: (payload.count + 31) & ~31) }
        slots[index].length = payload.count
        if let source = payload.baseAddress, !payload.isEmpty {
            let offset = index * stride
            payloads.withUnsafeMutableBytes {
                $0.baseAddress?.advanced(by: offset).copyMemory(from: source, byteCount: payload.count)
            }
        }
        if count == 0 && !playing {
            head = sequence
            highest = sequence
        } else {
            if sequence > highest { highest = sequence }
            if !playing && sequence < head { head = sequence }
        }
        count += 1
        statistics.stored += 1
        return result
    }

    /// Convenience for arrays (tests, cold paths).
    @discardableResult
    public mutating func insert(sequence: Int64, timestamp: UInt32, marker: Bool, payload: [UInt8]) -> InsertResult {
        payload.withUnsafeBytes { insert(sequence: sequence, timestamp: timestamp, marker: marker, payload: $0) }
    }

    /// A pulled frame whose payload stays in the ring: read it with `withPayload(ofSlot:_:)` before the next
    /// insert (the media tick's path: no array copy, no reference counting).
    public enum PulledFrame: Equatable, Sendable {
        case packet(timestamp: UInt32, marker: Bool, slot: Int)
        /// Nothing to play this tick (loss, underrun, or still filling): conceal.
        case missing
    }

    /// Pulls the frame due on this tick.
    public mutating func pull() -> Output {
        let frame = pullFrame()  // first: `output(pullFrame())` would copy self (the ring) before the pull
        return output(frame)
    }

    /// `pull()` without copying the payload out of the ring.
    public mutating func pullFrame() -> PulledFrame {
        if !playing {
            guard count > 0, depth >= targetFrames else { return .missing }
            playing = true
        }
        if count == 0 {
            playing = false
            statistics.underruns += 1
            statistics.concealed += 1
            return .missing
        }
        if depth > targetFrames + 2 {
            overTargetTicks += 1
        } else {
            overTargetTicks = 0
        }
        return next()
    }

    /// After `pull()`: one more frame when the buffer holds well more than the target — for half a second
    /// (the delay crept up and stayed), or more than twice `maxDelay` (a burst just arrived) — else nil. Call
    /// it until nil (at most `maxCatchUpPerTick` frames a tick) and process what it returns right away: the
    /// delay comes back down without a frame being dropped.
    public mutating func pullCatchUp() -> Output? {
        guard let frame = pullCatchUpFrame() else { return nil }
        return output(frame)
    }

    /// `pullCatchUp()` without copying the payload out of the ring.
    public mutating func pullCatchUpFrame() -> PulledFrame? {
        guard playing, count > 1, depth > targetFrames + 2, overTargetTicks >= 25 || depth > maxFrames * 2 else {
            return nil
        }
        statistics.caughtUp += 1
        return next()
    }

    /// The payload of a frame `pullFrame()`/`pullCatchUpFrame()` just returned (valid until the next insert).
    /// Mutating only so that a buffer held in a class property is read in place, not copied for the call.
    public mutating func withPayload<R>(ofSlot slot: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let offset = slot * stride
        let length = slots[slot].length
        return try payloads.withUnsafeBytes {
            try body(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)]))
        }
    }

    private func payload(ofSlot slot: Int) -> [UInt8] {
        let offset = slot * stride
        return Array(payloads[offset..<(offset + slots[slot].length)])
    }

    private func output(_ frame: PulledFrame) -> Output {
        switch frame {
        case .packet(let timestamp, let marker, let slot):
            .packet(timestamp: timestamp, marker: marker, payload: payload(ofSlot: slot))
        case .missing: .missing
        }
    }

    /// Extra frames `pullCatchUp()` may give per tick: a 200-packet burst is drained in under a second.
    public static let maxCatchUpPerTick = 4

    private mutating func next() -> PulledFrame {
        let seq = head
        head += 1
        lastPlayed = seq
        let index = Int(seq & Int64(mask))
        if slots[index].sequence == seq {
            slots[index].sequence = -1
            count -= 1
            statistics.played += 1
            return .packet(timestamp: slots[index].timestamp, marker: slots[index].marker, slot: index)
        }
        statistics.concealed += 1
        return .missing
    }

    /// Drops everything (e.g. on SSRC re-lock).
    public mutating func reset() {
        statistics.discarded += UInt64(count)
        for i in slots.indices where slots[i].sequence >= 0 { slots[i].sequence = -1 }
        count = 0
        playing = false
        highest = -1
        lastPlayed = -1
    }

    private mutating func grow(toSpan span: Int) {
        var size = slots.count
        while size < span { size <<= 1 }
        var grown = [Slot](repeating: Slot(), count: size)
        var grownPayloads = [UInt8](repeating: 0, count: size * stride)
        for (i, slot) in slots.enumerated() where slot.sequence >= 0 {
            let j = Int(slot.sequence & Int64(size - 1))
            grown[j] = slot
            for k in 0..<slot.length { grownPayloads[j * stride + k] = payloads[i * stride + k] }
        }
        slots = grown
        payloads = grownPayloads
        mask = size - 1
    }

    /// Makes room for payloads of `length` bytes in every slot (rare: the first packet, a larger Opus frame).
    private mutating func widen(to length: Int) {
        var wider = [UInt8](repeating: 0, count: slots.count * length)
        for (i, slot) in slots.enumerated() where slot.sequence >= 0 {
            for k in 0..<slot.length { wider[i * length + k] = payloads[i * stride + k] }
        }
        payloads = wider
        stride = length
    }
}
