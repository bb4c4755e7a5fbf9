public import Foundation
import SwitchboardCore

/// A named business-hours table: `hours: {office: {tz: Europe/Berlin, mon-fri: "09:00-17:00", sat: closed}}`.
public struct BusinessHours: Sendable, Equatable {
    public var name: String
    /// IANA time zone identifier.
    public var timezone: String
    /// Open minute ranges per weekday; index 0 is Monday, 6 is Sunday. Days not listed are closed.
    public var week: [[Range<Int>]]
    /// Dates (`YYYY-MM-DD`, local) on which the table is closed all day.
    public var holidays: [String]

    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Whether `date` falls inside the open hours (in the table's time zone).
    public func isOpen(at date: Date) -> Bool {
        let local = LocalTime(date: date, timezone: timezone)
        if holidays.contains(local.date) { return false }
        return week[local.weekdayIndex].contains { $0.contains(local.minuteOfDay) }
    }

    /// Parses a day key: `mon`, `mon-fri`, `sat,sun`; `nil` when it is not one.
    static func parseDays(_ key: String) -> [Int]? {
        var days: [Int] = []
        for part in key.split(separator: ",") {
            let bounds = part.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard (1...2).contains(bounds.count),
                let first = dayNames.firstIndex(of: bounds[0]),
                let last = dayNames.firstIndex(of: bounds[bounds.count - 1]),
                first <= last
            else { return nil }
            days += Array(first...last)
        }
        return days.isEmpty ? nil : days
    }

    /// Parses `09:00-17:00`, `09:00-12:00, 13:00-17:30` or `closed`; `nil` when malformed.
    static func parseSpans(_ value: String) -> [Range<Int>]? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "closed" { return [] }
        var spans: [Range<Int>] = []
        for part in trimmed.split(separator: ",") {
            let ends = part.split(separator: "-")
            guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]), start < end else {
                return nil
            }
            spans.append(start..<end)
        }
        return spans.isEmpty ? nil : spans
    }

    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
            let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 24 * 60
        else { return nil }
        return hour * 60 + minute
    }
}

/// Wall-clock fields of an instant in a time zone (pure computation, no clock read).
struct LocalTime {
    var weekdayIndex: Int
    var minuteOfDay: Int
    var hour: Int
    var minute: Int
    var date: String

    init(date: Date, timezone: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timezone) ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        hour = parts.hour ?? 0
        minute = parts.minute ?? 0
        minuteOfDay = hour * 60 + minute
        // Calendar weekday: 1 = Sunday ... 7 = Saturday → 0 = Monday ... 6 = Sunday.
        weekdayIndex = ((parts.weekday ?? 2) + 5) % 7
        self.date = String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }

    var fields: JSONValue {
        .object([
            "hour": .number(Double(hour)),
            "minute": .number(Double(minute)),
            "weekday": .string(BusinessHours.dayNames[weekdayIndex]),
            "date": .string(date),
            "time": .string(String(format: "%02d:%02d", hour, minute)),
        ])
    }
}
