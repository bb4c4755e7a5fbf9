// Which clock phase a new call joins (MediaEngine.phase(forNewCallAmong:)): phases fill to 40 calls before the
// next opens, open phases stay far apart, and past 40 per phase the least loaded one takes the call.
import Testing

@testable import Bridges

@Suite struct MediaPhaseTests {
    @Test func spreadOrderVisitsEveryPhaseOnceFarthestFirst() {
        let order = MediaEngine.spreadOrder(10)
        #expect(order.sorted() == Array(0..<10))
        #expect(Array(order.prefix(2)) == [0, 5])
        #expect(MediaEngine.spreadOrder(1) == [0])
        #expect(MediaEngine.spreadOrder(0) == [])
    }

    @Test func thirtyCallsShareOnePhaseAndFourHundredFillAllTenEvenly() {
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<30 { counts[MediaEngine.phase(forNewCallAmong: counts)] += 1 }
        #expect(counts.filter { $0 > 0 }.count == 1)
        for _ in 30..<400 { counts[MediaEngine.phase(forNewCallAmong: counts)] += 1 }
        #expect(counts == [Int](repeating: 40, count: 10))
        for _ in 400..<410 { counts[MediaEngine.phase(forNewCallAmong: counts)] += 1 }
        #expect(counts == [Int](repeating: 41, count: 10))
    }

    @Test func aPhaseThatEmptiedIsRefilledBeforeANewOneOpens() {
        var counts = [40, 0, 0, 0, 0, 12, 0, 0, 0, 0]
        #expect(MediaEngine.phase(forNewCallAmong: counts) == 5)
        counts[0] = 39
        #expect(MediaEngine.phase(forNewCallAmong: counts) == 0)
    }
}

extension MediaPhaseTests {
    @Test func aSlowerLoopOpensPhasesSooner() {
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<30 { counts[MediaEngine.phase(forNewCallAmong: counts, callsPerPhase: 6)] += 1 }
        #expect(counts.filter { $0 > 0 }.count == 5)
        #expect(counts.max() == 6)
    }
}
