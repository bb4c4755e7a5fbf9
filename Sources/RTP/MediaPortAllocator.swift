/// Hands out even RTP ports (RTCP on port + 1) from a configured range and takes them back at call end.
/// Pure bookkeeping: the socket layer binds the port and calls `release` on failure or when the call ends.
public struct MediaPortAllocator: Sendable {
    public let range: ClosedRange<UInt16>
    private var inUse: Set<UInt16> = []
    private var cursor: UInt16

    /// `range` is clipped to even starting ports whose RTCP port (+1) is still inside it.
    public init(range: ClosedRange<UInt16>) {
        self.range = range
        cursor = range.lowerBound & ~1
        if cursor < range.lowerBound { cursor &+= 2 }
    }

    /// Number of port pairs the range holds.
    public var capacity: Int {
        let first = Int(range.lowerBound) + Int(range.lowerBound) % 2
        let last = Int(range.upperBound) - 1
        return last < first ? 0 : (last - first) / 2 + 1
    }

    public var allocatedCount: Int { inUse.count }

    /// The next free even port (round-robin, so a just-freed port is not reused at once), or nil when full.
    public mutating func allocate() -> UInt16? {
        let n = capacity
        guard n > 0, inUse.count < n else { return nil }
        let first = range.lowerBound + range.lowerBound % 2
        for _ in 0..<n {
            if cursor < first || Int(cursor) + 1 > Int(range.upperBound) { cursor = first }
            let port = cursor
            cursor = Int(cursor) + 2 > Int(UInt16.max) ? first : cursor + 2
            if !inUse.contains(port) {
                inUse.insert(port)
                return port
            }
        }
        return nil
    }

    /// Returns a port to the pool (unknown ports are ignored).
    public mutating func release(_ port: UInt16) {
        inUse.remove(port)
    }
}
