import Foundation
import Testing
@testable import Tools

/// The webhook timeout race: the first answer wins at once, even when the loser ignores cancellation.
@Suite struct FirstOfTests {
    @Test func timerWinsWithoutWaitingForAStuckRequest() async {
        let clock = ContinuousClock()
        let started = clock.now
        let value = await FirstOf<Int>().wait([
            {
                // A request that ignores cancellation and answers after 3 s.
                await withCheckedContinuation { continuation in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 3) { continuation.resume(returning: 1) }
                }
            },
            {
                try? await Task.sleep(for: .milliseconds(100))
                return 2
            },
        ])
        #expect(value == 2)
        #expect(clock.now - started < .seconds(2), "the caller did not wait for the stuck request")
    }

    @Test func earlyAnswerBeforeWaitingIsKept() async {
        let value = await FirstOf<Int>().wait([{ 7 }, { 8 }])
        #expect(value == 7 || value == 8)
    }

    @Test func cancellingTheWaiterAnswersThroughOffer() async {
        let first = FirstOf<String>()
        let task = Task {
            await withTaskCancellationHandler {
                await first.wait([
                    {
                        try? await Task.sleep(for: .seconds(30))
                        return "late"
                    }
                ])
            } onCancel: {
                first.offer("cancelled")
            }
        }
        try? await Task.sleep(for: .milliseconds(50))
        task.cancel()
        #expect(await task.value == "cancelled")
    }
}
