import Foundation
import SwitchboardCore
import Testing
@testable import Tools

@Suite struct RoutingTableTests {
    let hours = BusinessHours(
        timezone: "America/New_York", days: ["mon-fri": "09:00-17:00", "sat": "10:00-14:00"], holidays: ["2026-11-26"])

    @Test(arguments: [
        (2026, 11, 25, 14, 0, true),  // Wed 09:00 New York (UTC-5)
        (2026, 11, 25, 13, 59, false),  // Wed 08:59
        (2026, 11, 25, 21, 59, true),  // Wed 16:59
        (2026, 11, 25, 22, 0, false),  // Wed 17:00
        (2026, 11, 26, 15, 0, false),  // Thanksgiving, a closed date
        (2026, 11, 28, 16, 0, true),  // Sat 11:00
        (2026, 11, 29, 16, 0, false),  // Sun
    ])
    func businessHoursInATimeZone(year: Int, month: Int, day: Int, hour: Int, minute: Int, open: Bool) throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let date = try #require(
            calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)))
        #expect(hours?.isOpen(at: date) == open)
    }

    @Test func problemsAreReported() {
        let bad = BusinessHours(timezone: "Mars/Olympus", holidays: ["25.12."])
        #expect(bad.problems().count == 2)
        let table = RoutingTable(
            routes: ["billing": .init(target: "billing@example.com", overflow: "nowhere")], overflow: "sip:vm@x")
        #expect(table.problems().count == 2)
        #expect(RoutingTable.demo.problems().isEmpty)
    }

    @Test func closedRouteWithoutOverflow() throws {
        let table = RoutingTable(routes: [
            "sales": .init(target: "sip:sales@x", hours: BusinessHours(days: ["mon-fri": "09:00-10:00"]))
        ])
        #expect(try table.decide("sales", at: ToolsTestSupport.wednesday(hour: 9, minute: 30)) == .open(target: "sip:sales@x", overflow: nil))
        #expect(try table.decide("sales", at: ToolsTestSupport.wednesday(hour: 11)) == .closed)
        #expect(throws: RoutingTable.Failure.self) { try table.decide("billing", at: Date()) }
    }
}
