import Foundation
import Testing

@testable import CallLog
import SwitchboardCore

@Suite struct CallLogStoreTests {
    /// Six calls: support/billing flows, several outcomes, spread over days; one still live.
    static func seeded(_ folder: TempFolder) async throws -> (CallLogWriter, [ScriptedCall]) {
        let writer = try CallLogWriter(path: folder.path("log.db"))
        let base = Date(timeIntervalSince1970: 1_795_737_600)  // 2026-11-27T00:00Z
        let plan: [(Double, String, CallEndReason?)] = [
            (-3, "support", .completed), (-2, "billing", .transferred), (-1, "support", .callerHangup),
            (0.1, "support", .completed), (0.2, "billing", .error), (0.3, "support", nil),
        ]
        var calls: [ScriptedCall] = []
        for (days, flow, reason) in plan {
            let call = ScriptedCall(start: base.addingTimeInterval(days * 86_400), flow: flow)
            writer.write(call.body())
            if let reason { writer.write(call.end(reason: reason)) }
            calls.append(call)
        }
        await writer.flush()
        return (writer, calls)
    }

    @Test func listFilters() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (writer, calls) = try await Self.seeded(folder)
        let store = writer.store
        let all = try await store.listCalls()
        #expect(all.count == 6)
        #expect(all.map(\.startedAt) == all.map(\.startedAt).sorted(by: >), "newest first")
        let since = try CallLogTimeSpec.instant("2026-11-27", now: Date())
        #expect(try await store.listCalls(.init(since: since)).count == 3)
        #expect(try await store.listCalls(.init(flow: "billing")).count == 2)
        #expect(try await store.listCalls(.init(outcome: "completed")).count == 2)
        #expect(try await store.listCalls(.init(since: since, flow: "support", outcome: "completed")).count == 1)
        #expect(try await store.listCalls(.init(limit: 2)).count == 2)
        let live = try await store.listCalls(.init(outcome: "live"))
        #expect(live.map(\.id) == [calls[5].id])
        #expect(live.first?.endReason == nil)
        #expect(live.first?.totals.turns == 2, "live calls get totals computed on the fly")
        #expect(try await store.listCalls(.init(flow: "nope")).isEmpty)
        await writer.close()
    }

    @Test func showByIdOrPrefixAndErrors() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (writer, calls) = try await Self.seeded(folder)
        let store = writer.store
        let id = calls[1].id
        #expect(try await store.call(id: id)?.call.finalRoute == "billing")
        #expect(try await store.call(id: String(id.prefix(13)))?.call.id == id)
        #expect(try await store.call(id: id.uppercased())?.call.id == id)
        #expect(await callLogErrorCode { _ = try await store.call(id: "") } == .badCallID)
        #expect(try await store.call(id: UUID().uuidString) == nil)
        #expect(await callLogErrorCode { _ = try await store.call(id: "abc") } == .badCallID)
        #expect(try await store.call(id: "'; DROP TABLE calls; --") == nil)
        #expect(try await store.listCalls().count == 6)
        await writer.close()
    }

    @Test func detailEncodesAsJSONAndRendersAsText() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let (writer, calls) = try await Self.seeded(folder)
        let detail = try #require(try await writer.store.call(id: calls[0].id))
        let data = try CallLogStore.jsonEncoder().encode(detail)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"startedAt\" : \"2026-11-24T00:00:00.000Z\""))
        #expect(text.contains("\"digit\" : \"0\""), "event data is nested JSON, not a string")
        let back = try CallLogStore.jsonDecoder().decode(CallDetail.self, from: data)
        #expect(back == detail)
        let rendered = CallLogText.detail(detail)
        #expect(rendered.contains("caller: \"what is my balance\""))
        #expect(rendered.contains("tool lookup_account({\"account\":\"42\"}) → {\"balance\":12.5}"))
        #expect(rendered.contains("outcome  completed, route billing"))
        let list = CallLogText.list(try await writer.store.listCalls())
        #expect(list.split(separator: "\n").count == 7)
        #expect(list.contains("live"))
        await writer.close()
    }
}
