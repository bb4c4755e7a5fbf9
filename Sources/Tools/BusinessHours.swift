public import Foundation

/// Opening hours of a route, evaluated on a time the caller passes in (never the wall clock inside).
/// `open` lines read `"mon-fri 09:00-17:00"`, `"sat 10:00-14:00"`, `"sun closed"` is simply left out;
/// day names are `mon tue wed thu fri sat sun`, ranges may wrap (`fri-mon`), several lines add up.
/// `closed_dates` (`"2026-12-25"`) override the week. Times are in `time_zone` (an IANA name).
public struct BusinessHours: Sendable, Hashable, Codable {
    public var timeZone: String
    public var open: [String]
    public var closedDates: [String]

    enum CodingKeys: String, CodingKey {
        case timeZone = "time_zone"
        case open
        case closedDates = "closed_dates"
    }

    public init(timeZone: String = "UTC", open: [String], closedDates: [String] = []) {
        self.timeZone = timeZone
        self.open = open
        self.closedDates = closedDates
    }

    /// Hours given as open minute ranges per weekday (index 0 is Monday … 6 Sunday), e.g. from a flow's
    /// `hours:` table.
    public init(timeZone: String, weekMinutes: [[Range<Int>]], closedDates: [String] = []) {
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        var lines: [String] = []
        for (index, ranges) in weekMinutes.prefix(7).enumerated() {
            for range in ranges where !range.isEmpty {
                let start = String(format: "%02d:%02d", range.lowerBound / 60, range.lowerBound % 60)
                let end = String(format: "%02d:%02d", range.upperBound / 60, range.upperBound % 60)
                lines.append("\(names[index]) \(start)-\(end)")
            }
        }
        self.init(timeZone: timeZone, open: lines, closedDates: closedDates)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        open = try container.decodeIfPresent([String].self, forKey: .open) ?? []
        closedDates = try container.decodeIfPresent([String].self, forKey: .closedDates) ?? []
    }

    public struct Failure: Error, CustomStringConvertible, Sendable, Equatable {
        public let description: String
    }

    static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]  // Calendar weekday 1...7

    struct Window: Hashable {
        var days: Set<Int>  // 1 = Sunday ... 7 = Saturday
        var startMinute: Int
        var endMinute: Int
    }

    /// Problems with the configuration, or an empty list.
    public func problems() -> [String] {
        var problems: [String] = []
        if TimeZone(identifier: timeZone) == nil { problems.append("unknown time zone \"\(timeZone)\"") }
        for line in open {
            do { _ = try Self.parseWindow(line) } catch { problems.append(error.description) }
        }
        for date in closedDates where Self.parseDate(date) == nil {
            problems.append("closed date \"\(date)\" is not YYYY-MM-DD")
        }
        return problems
    }

    /// True when `date` falls inside an opening window and not on a closed date.
    public func isOpen(at date: Date) throws(Failure) -> Bool {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw Failure(description: "unknown time zone \"\(timeZone)\"")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day, let weekday = parts.weekday,
            let hour = parts.hour, let minute = parts.minute
        else { throw Failure(description: "cannot read the calendar date") }
        let today = String(format: "%04d-%02d-%02d", year, month, day)
        if closedDates.contains(today) { return false }
        let minuteOfDay = hour * 60 + minute
        for line in open {
            let window = try Self.parseWindow(line)
            if window.days.contains(weekday), minuteOfDay >= window.startMinute, minuteOfDay < window.endMinute {
                return true
            }
        }
        return false
    }

    static func parseWindow(_ line: String) throws(Failure) -> Window {
        let words = line.lowercased().split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count == 2 else {
            throw Failure(description: "opening hours \"\(line)\": expected \"DAYS HH:MM-HH:MM\" (e.g. mon-fri 09:00-17:00)")
        }
        var days = Set<Int>()
        for part in words[0].split(separator: ",") {
            let ends = part.split(separator: "-").map(String.init)
            let indices = ends.compactMap { dayNames.firstIndex(of: $0) }
            guard indices.count == ends.count, (1...2).contains(indices.count) else {
                throw Failure(description: "opening hours \"\(line)\": unknown day in \"\(part)\" (use mon..sun)")
            }
            var day = indices[0]
            let last = indices[indices.count - 1]
            days.insert(day + 1)
            while day != last {
                day = (day + 1) % 7
                days.insert(day + 1)
            }
        }
        let times = words[1].split(separator: "-").map(String.init)
        guard times.count == 2, let start = parseTime(times[0]), let end = parseTime(times[1]), start < end else {
            throw Failure(description: "opening hours \"\(line)\": times must be HH:MM-HH:MM with start before end")
        }
        return Window(days: days, startMinute: start, endMinute: end)
    }

    static func parseTime(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]),
            let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        let total = hour * 60 + minute
        return total <= 24 * 60 ? total : nil
    }

    static func parseDate(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return (year, month, day)
    }
}
