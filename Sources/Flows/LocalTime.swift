// Flows: the wall-clock fields of the call's time (`time.*` in expressions). Business hours themselves are
// SwitchboardCore's `BusinessHours`.
import Foundation
import SwitchboardCore

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
