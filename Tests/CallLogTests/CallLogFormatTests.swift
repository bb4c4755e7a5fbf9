import Foundation
import Testing

@testable import CallLog
import SwitchboardCore

@Suite struct CallLogFormatTests {
    @Test func timestampsRoundTripWithMilliseconds() throws {
        let date = Date(timeIntervalSince1970: 1_795_780_300.123)
        let text = CallLogTimestamp.format(date)
        #expect(text == "2026-11-27T11:51:40.123Z")
        let back = try #require(CallLogTimestamp.parse(text))
        #expect(abs(back.timeIntervalSince(date)) < 0.0005)
        #expect(CallLogTimestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(CallLogTimestamp.parse("2026-11-27") == Date(timeIntervalSince1970: 1_795_737_600))
        #expect(CallLogTimestamp.parse("2026-11-27 08:00") == Date(timeIntervalSince1970: 1_795_766_400))
        for bad in ["", "2026", "2026-13-01", "2026-11-27X", "2026-11-27T25:00", "yesterday"] {
            #expect(CallLogTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func timeSpecs() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try CallLogTimeSpec.age("30d") == 30 * 86_400)
        #expect(try CallLogTimeSpec.age("90s") == 90)
        #expect(try CallLogTimeSpec.instant("24h", now: now) == now.addingTimeInterval(-86_400))
        #expect(try CallLogTimeSpec.instant("2026-11-27", now: now) == Date(timeIntervalSince1970: 1_795_737_600))
        for bad in ["", "d", "30", "30y", "-3d", "soon"] {
            #expect(callLogErrorCode { _ = try CallLogTimeSpec.instant(bad, now: now) } == .badTimeSpec, "\(bad)")
        }
    }

    @Test func jsonTextIsCompactSortedAndEscaped() throws {
        let value: JSONValue = ["b": [1, 2.5, true, nil], "a": "quote \" and \n newline \u{01}"]
        #expect(value.jsonText == #"{"a":"quote \" and \n newline \u0001","b":[1,2.5,true,null]}"#)
        #expect(try JSONValue.parse(value.jsonText) == value)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse("{not json") }
    }

    @Test func pricesFromTheTableWithSnapshotNames() {
        let table = PriceTable.default
        let price = table.price(forModel: "gpt-4o-mini-audio-preview-2024-12-17")
        #expect(price == .gpt4oMiniAudioPreview)
        #expect(table.price(forModel: "some-other-model") == nil)
        let cost = ModelPrice.gpt4oMiniAudioPreview.cost(textIn: 1_000_000, textOut: 1_000_000, audioIn: 1_000_000, audioOut: 1_000_000)
        #expect(abs(cost - (0.15 + 0.60 + 10 + 20)) < 1e-9)
        let custom = PriceTable(models: [:], fallback: ModelPrice(textInPerMillion: 1, textOutPerMillion: 0, audioInPerMillion: 0, audioOutPerMillion: 0))
        #expect(custom.price(forModel: "anything")?.textInPerMillion == 1)
    }
}
