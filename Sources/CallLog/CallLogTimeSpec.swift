// Parses the time arguments of `calls list --since` and `calls prune --older-than` (and the same HTTP query
// parameters): an age such as `90s`, `30m`, `24h`, `7d`, `2w`, or a UTC date/time such as `2026-11-27` or
// `2026-11-27T08:00:00Z`.
public import Foundation

public enum CallLogTimeSpec {
    /// An age in seconds: `<number><s|m|h|d|w>`.
    public static func age(_ text: String) throws -> TimeInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let value = Double(trimmed.dropLast()), value >= 0, value.isFinite else {
            throw badSpec(text)
        }
        let scale: Double
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: throw badSpec(text)
        }
        return value * scale
    }

    /// A point in time: `now - age`, or an absolute UTC date/time.
    public static func instant(_ text: String, now: Date) throws -> Date {
        if let date = CallLogTimestamp.parse(text.trimmingCharacters(in: .whitespaces)) { return date }
        return now.addingTimeInterval(-(try age(text)))
    }

    private static func badSpec(_ text: String) -> CallLogError {
        CallLogError(
            code: .badTimeSpec,
            message: "'\(text)' is neither an age (90s, 30m, 24h, 7d, 2w) nor a UTC date (2026-11-27, 2026-11-27T08:00:00Z)"
        )
    }
}
