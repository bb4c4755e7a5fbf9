// SampleQueue: the outbound ring keeps order across wrap-around and growth, and dropping the oldest samples (a
// bridged leg's relay keeping its delay bounded) leaves the newest in order.
import Testing

@testable import Bridges

struct SampleQueueTests {
    static func take(_ queue: inout SampleQueue, _ n: Int) -> [Int16] {
        var out = [Int16](repeating: -1, count: n)
        let got = out.withUnsafeMutableBufferPointer { queue.take(into: $0) }
        return Array(out.prefix(got))
    }

    @Test func dropOldestKeepsTheNewestInOrderAcrossTheWrap() {
        var queue = SampleQueue(capacity: 16)
        let first = (0..<12).map { Int16($0) }
        first.withUnsafeBufferPointer { queue.append($0) }
        #expect(Self.take(&queue, 10) == Array(first.prefix(10)))
        // The ring's read position is now near its end: the next append wraps.
        let second = (100..<112).map { Int16($0) }
        second.withUnsafeBufferPointer { queue.append($0) }
        #expect(queue.count == 14)
        queue.dropOldest(5)
        #expect(queue.count == 9)
        #expect(Self.take(&queue, 20) == (103..<112).map { Int16($0) })
        queue.dropOldest(3)
        #expect(queue.count == 0)
    }

    @Test func growingKeepsOrder() {
        var queue = SampleQueue(capacity: 16)
        let samples = (0..<100).map { Int16($0) }
        samples.withUnsafeBufferPointer { queue.append($0) }
        queue.dropOldest(40)
        #expect(Self.take(&queue, 100) == Array(samples.suffix(60)))
    }

    @Test func takeAcrossTheWrapZeroFillsWhatIsMissing() {
        var queue = SampleQueue(capacity: 16)
        let first = (1...10).map { Int16($0) }
        first.withUnsafeBufferPointer { queue.append($0) }
        #expect(Self.take(&queue, 8) == Array(first.prefix(8)))
        let second = (11...22).map { Int16($0) }  // written from index 10 round to index 5
        second.withUnsafeBufferPointer { queue.append($0) }
        var out = [Int16](repeating: -1, count: 20)
        let got = out.withUnsafeMutableBufferPointer { queue.take(into: $0) }
        #expect(got == 14)
        #expect(out == (9...22).map { Int16($0) } + [Int16](repeating: 0, count: 6))
        #expect(queue.count == 0)
        second.withUnsafeBufferPointer { queue.append($0) }
        #expect(Self.take(&queue, 12) == second)
    }
}
