import CallEngine
import Synchronization
import Testing

@Suite("VirtualClock and OutboundAudioQueue")
struct VirtualClockTests {
    final class Log: Sendable {
        let items = Mutex<[String]>([])
        func add(_ s: String) { items.withLock { $0.append(s) } }
        var all: [String] { items.withLock { $0 } }
    }

    @Test func firesInDeadlineThenInsertionOrder() async {
        let clock = VirtualClock()
        let log = Log()
        for (name, ms) in [("a", 30), ("b", 10), ("c", 10), ("d", 20)] {
            clock.task {
                try? await clock.sleep(until: .milliseconds(ms))
                log.add(name)
            }
            // Insertion order is the order the sleeps begin: let each task reach its sleep before the next.
            await clock.settle()
        }
        await clock.advance(to: .milliseconds(15))
        #expect(log.all == ["b", "c"])
        #expect(clock.now == .milliseconds(15))
        await clock.advance(to: .milliseconds(100))
        #expect(log.all == ["b", "c", "d", "a"])
        #expect(clock.now == .milliseconds(100))
        #expect(clock.sleeperCount == 0)
    }

    /// Two tasks started together race to their sleeps; with equal deadlines the first-created one must wake
    /// first however the race went (this made a replay's bot audio differ under load).
    @Test func equalDeadlinesWakeInTaskCreationOrderNotSleepOrder() async {
        for round in 0..<20 {
            let clock = VirtualClock()
            let log = Log()
            let gate = Mutex(false)
            // "first" is created first but reaches its sleep last: it waits until "second" is asleep.
            clock.task {
                while clock.sleeperCount == 0 { await Task.yield() }
                gate.withLock { $0 = true }
                try? await clock.sleep(until: .milliseconds(40))
                log.add("first")
            }
            clock.task {
                try? await clock.sleep(until: .milliseconds(40))
                log.add("second")
            }
            await clock.settle()
            #expect(gate.withLock { $0 })
            await clock.advance(to: .milliseconds(50))
            #expect(log.all == ["first", "second"], "round \(round)")
        }
    }

    @Test func settleWaitsForWokenWorkToFinish() async {
        let clock = VirtualClock()
        let log = Log()
        clock.task {
            try? await clock.sleep(until: .milliseconds(10))
            for _ in 0..<50 { await Task.yield() }
            log.add("done-after-yields")
            try? await clock.sleep(until: .milliseconds(20))
            log.add("second")
        }
        await clock.advance(to: .milliseconds(10))
        #expect(log.all == ["done-after-yields"])
        await clock.advance(to: .milliseconds(25))
        #expect(log.all == ["done-after-yields", "second"])
    }

    @Test func cancelledSleeperLeavesTheClockIdle() async {
        let clock = VirtualClock()
        let log = Log()
        let task = clock.task {
            do {
                try await clock.sleep(until: .seconds(5))
                log.add("woke")
            } catch {
                log.add("cancelled")
            }
        }
        await clock.settle()
        #expect(clock.sleeperCount == 1)
        task.cancel()
        await clock.settle()
        await task.value
        #expect(log.all == ["cancelled"])
        #expect(clock.sleeperCount == 0)
        await clock.advance(to: .seconds(10))
        #expect(log.all == ["cancelled"])
    }

    @Test func queueReportsMarksAfterTheirLastSampleAndClearDropsThem() {
        let queue = OutboundAudioQueue(sampleRate: 8000)
        #expect(queue.frameSize == 160)
        queue.enqueue([Int16](repeating: 100, count: 400), mark: 1)
        queue.enqueue([Int16](repeating: 200, count: 160), mark: 2)
        let first = queue.pullFrame()
        #expect(first?.samples.count == 160)
        #expect(queue.takeReachedMarks().isEmpty)
        _ = queue.pullFrame()
        let third = queue.pullFrame()
        // 80 samples of the first prompt, then the second one starts in the same frame.
        #expect(third?.samples[79] == 100)
        #expect(third?.samples[80] == 200)
        #expect(queue.takeReachedMarks() == [1])
        #expect(queue.isPlaying)
        #expect(queue.clear() == [2])
        #expect(!queue.isPlaying)
        #expect(queue.pullFrame() == nil)
        queue.enqueue([], mark: 3)
        #expect(queue.takeReachedMarks() == [3])
    }
}
