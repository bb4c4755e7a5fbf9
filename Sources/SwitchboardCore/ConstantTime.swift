// SwitchboardCore: the one comparison of secrets (SIP digest responses, the admin bearer token, caller PINs,
// webhook signatures) that takes the same time however much of the secret matched.

/// Comparisons without an early exit, so the time taken does not reveal how much of a secret matched.
public enum ConstantTime {
    /// True when both hold the same bytes. Unequal lengths are unequal, still after reading every byte.
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            difference |= (index < lhs.count ? lhs[index] : 0) ^ (index < rhs.count ? rhs[index] : 0)
        }
        return difference == 0
    }

    /// The UTF-8 bytes of both, compared as above.
    public static func equal(_ lhs: String, _ rhs: String) -> Bool {
        equal(Array(lhs.utf8), Array(rhs.utf8))
    }
}
