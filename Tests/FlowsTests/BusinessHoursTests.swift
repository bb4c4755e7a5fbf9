// FlowsTests: the one business-hours syntax (SwitchboardCore `BusinessHours`), read from a flow's `hours:`,
// including spans that wrap past midnight and day ranges that wrap past Sunday.
import Flows
import Foundation
import SwitchboardCore
import SwitchboardTestKit
import Testing

@Suite struct BusinessHoursTests {
    /// `year-month-day hour:minute` in UTC.
    static func utc(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        // December 2026: the 4th is a Friday.
        return calendar.date(from: DateComponents(year: 2026, month: 12, day: day, hour: hour, minute: minute)) ?? Date()
    }

    static let yaml = """
        name: late
        hours:
          late:
            tz: UTC
            fri: "22:00-02:00"
            mon-wed: "09:00-12:00, 13:00-17:00"
            holidays: ["2026-12-11"]
        start: bye
        steps:
          bye:
            hangup: {}
        """

    @Test(arguments: [
        (4, 21, 59, false),  // Fri 21:59
        (4, 22, 0, true),  // Fri 22:00
        (4, 23, 59, true),
        (5, 0, 0, true),  // Sat 00:00, Friday's span goes on
        (5, 1, 59, true),
        (5, 2, 0, false),  // Sat 02:00, the span's end
        (5, 22, 30, false),  // Sat evening: only Friday opens late
        (7, 12, 30, false),  // Mon lunch break
        (7, 13, 0, true),
        (11, 23, 0, false),  // Fri 11 Dec is a holiday
        (12, 1, 0, false),  // … and the holiday's late span does not spill into Saturday
        (18, 23, 0, true),  // the next Friday opens again
    ])
    func wrapsPastMidnight(day: Int, hour: Int, minute: Int, open: Bool) throws {
        let flow = try FlowLoader.loadValid(data: Data(Self.yaml.utf8), file: "late.yaml")
        let hours = try #require(flow.hours["late"])
        #expect(hours.isOpen(at: Self.utc(day, hour, minute)) == open, "Dec \(day) \(hour):\(minute)")
    }

    @Test func spansAndDayRanges() {
        #expect(BusinessHours.parseSpans("22:00-02:00") == [1320..<1560])
        #expect(BusinessHours.parseSpans("09:00-17:00, 18:00-24:00") == [540..<1020, 1080..<1440])
        #expect(BusinessHours.parseSpans("closed") == [])
        #expect(BusinessHours.parseSpans("09:00-09:00") == nil)
        #expect(BusinessHours.parseSpans("24:00-02:00") == nil)
        #expect(BusinessHours.parseSpans("9-5") == nil)
        #expect(BusinessHours.parseDays("fri-mon") == [4, 5, 6, 0])
        #expect(BusinessHours.parseDays("sat,sun") == [5, 6])
        #expect(BusinessHours.parseDays("weekdays") == nil)
    }

    @Test func aWrappingDayRangeCoversTheWeekend() throws {
        let hours = try #require(BusinessHours(timezone: "UTC", days: ["fri-mon": "00:00-24:00"]))
        #expect(hours.isOpen(at: Self.utc(5, 12)))  // Sat
        #expect(hours.isOpen(at: Self.utc(7, 12)))  // Mon
        #expect(!hours.isOpen(at: Self.utc(9, 12)))  // Wed
    }
}
