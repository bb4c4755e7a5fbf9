// SwitchboardCore: the one business-hours type and syntax. A flow's `hours:` tables are read into it (Flows),
// `business_hours("name")` and a route's `hours:` are judged with it (Flows' interpreter, Tools' routing table).
// Syntax (docs/flows.md): day keys `mon`, `mon-fri`, `sat,sun`, `fri-mon` (day ranges may wrap past Sunday);
// values `09:00-17:00`, `09:00-12:00, 13:00-17:30`, `closed`, and ranges that wrap past midnight,
// `fri: "22:00-02:00"` (open Friday 22:00 until Saturday 02:00).
public import Foundation

/// A named business-hours table: `hours: {office: {tz: Europe/Berlin, mon-fri: "09:00-17:00", sat: closed}}`.
public struct BusinessHours: Sendable, Hashable {
    public var name: String
    /// IANA time zone identifier.
    public var timezone: String
    /// Open minute ranges per weekday, counted from that day's midnight; index 0 is Monday, 6 is Sunday. Days not
    /// listed are closed. A range may end after 24:00 (up to 48:00): it goes on into the next day.
    public var week: [[Range<Int>]]
    /// Dates (`YYYY-MM-DD`, local) on which the table is closed all day (a range starting the evening before
    /// still ends at midnight).
    public var holidays: [String]

    public static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public init(
        name: String = "", timezone: String = "UTC", week: [[Range<Int>]] = Array(repeating: [], count: 7),
        holidays: [String] = []
    ) {
        self.name = name
        self.timezone = timezone
        self.week = week.count == 7 ? week : Array((week + Array(repeating: [], count: 7)).prefix(7))
        self.holidays = holidays
    }

    /// A table from day keys and span values in the flow syntax (`["mon-fri": "09:00-17:00"]`); `nil` when a key
    /// or a value is malformed.
    public init?(name: String = "", timezone: String = "UTC", days: [String: String], holidays: [String] = []) {
        self.init(name: name, timezone: timezone, holidays: holidays)
        for (key, value) in days {
            guard let indices = Self.parseDays(key), let spans = Self.parseSpans(value) else { return nil }
            for index in indices { week[index] += spans }
        }
    }

    /// Whether `date` falls inside the open hours (in the table's time zone; an unknown zone reads as UTC).
    public func isOpen(at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timezone) ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let today = Self.localDay(date, calendar)
        if holidays.contains(today.date) { return false }
        if week[today.weekdayIndex].contains(where: { $0.contains(today.minuteOfDay) }) { return true }
        // Yesterday's ranges that run past midnight.
        guard let earlier = calendar.date(byAdding: .day, value: -1, to: date) else { return false }
        let yesterday = Self.localDay(earlier, calendar)
        if holidays.contains(yesterday.date) { return false }
        return week[yesterday.weekdayIndex].contains { $0.contains(today.minuteOfDay + 24 * 60) }
    }

    /// Problems a table built in code may have (the flow loader reports its own, positioned): an unknown time
    /// zone, holidays that are not `YYYY-MM-DD`.
    public func problems() -> [String] {
        var problems: [String] = []
        if TimeZone(identifier: timezone) == nil { problems.append("unknown time zone \"\(timezone)\"") }
        for date in holidays where !Self.isDate(date) { problems.append("closed date \"\(date)\" is not YYYY-MM-DD") }
        return problems
    }

    /// Parses a day key: `mon`, `mon-fri`, `sat,sun`, `fri-mon` (wraps past Sunday); `nil` when it is not one.
    public static func parseDays(_ key: String) -> [Int]? {
        var days: [Int] = []
        for part in key.split(separator: ",") {
            let bounds = part.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard (1...2).contains(bounds.count),
                let first = dayNames.firstIndex(of: bounds[0]),
                let last = dayNames.firstIndex(of: bounds[bounds.count - 1])
            else { return nil }
            var day = first
            days.append(day)
            while day != last {
                day = (day + 1) % 7
                days.append(day)
            }
        }
        return days.isEmpty ? nil : days
    }

    /// Parses `09:00-17:00`, `09:00-12:00, 13:00-17:30`, `22:00-02:00` (past midnight) or `closed`; `nil` when
    /// malformed (an empty range such as `09:00-09:00` is malformed).
    public static func parseSpans(_ value: String) -> [Range<Int>]? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "closed" { return [] }
        var spans: [Range<Int>] = []
        for part in trimmed.split(separator: ",") {
            let ends = part.split(separator: "-")
            guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]), start != end,
                start < 24 * 60
            else { return nil }
            spans.append(start < end ? start..<end : start..<(end + 24 * 60))
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

    private static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, Int(parts[0]) != nil, let month = Int(parts[1]),
            let day = Int(parts[2])
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    private static func localDay(_ date: Date, _ calendar: Calendar) -> (weekdayIndex: Int, minuteOfDay: Int, date: String) {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        // Calendar weekday: 1 = Sunday ... 7 = Saturday → 0 = Monday ... 6 = Sunday.
        let weekdayIndex = ((parts.weekday ?? 2) + 5) % 7
        let text = String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
        return (weekdayIndex, (parts.hour ?? 0) * 60 + (parts.minute ?? 0), text)
    }
}
