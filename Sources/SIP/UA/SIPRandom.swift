// Deterministic identifiers for the pure core (SplitMix64 seeded from configuration).

struct SIPRandom: Sendable, Hashable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Lowercase hex token of 16 characters.
    mutating func token() -> String {
        let value = String(next(), radix: 16)
        return String(repeating: "0", count: 16 - value.count) + value
    }

    mutating func branch() -> String { SIP.magicCookie + "-" + token() }
}
