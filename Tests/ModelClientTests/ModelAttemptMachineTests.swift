// ModelClientTests: the model-attempt state machine on timestamps — deadlines it arms, when it retries and how
// long it waits, and that audio already played forbids a retry. Live client and replay both drive this machine.
import ModelClient
import Testing

@Suite struct ModelAttemptMachineTests {
    /// connect 1 s + first byte 2 s, idle 1 s, 2 retries from 500 ms, 10 s budget.
    static let options = ModelClientOptions(
        connectTimeout: .seconds(1), firstByteTimeout: .seconds(2), idleTimeout: .seconds(1),
        retry: RetryPolicy(maxRetries: 2), retryBudget: .seconds(10))

    static func failed(retryable: Bool = true, retryAfter: Duration? = nil) -> ModelAttemptMachine.Event {
        .attemptFailed(retryable: retryable, retryAfter: retryAfter, jitter: 0)
    }

    @Test func armsTheFirstByteDeadlineThenTheIdleGapAfterEachRead() {
        var machine = ModelAttemptMachine(options: Self.options)
        #expect(machine.handle(.attemptStarted, at: .zero) == [
            .arm(.init(timeout: .firstByte, at: .seconds(3), limit: .seconds(3)))
        ])
        #expect(machine.expired(at: .milliseconds(2999)) == nil)
        #expect(machine.expired(at: .seconds(3))?.timeout == .firstByte)
        #expect(machine.handle(.bytesReceived, at: .milliseconds(1200)) == [
            .arm(.init(timeout: .idle, at: .milliseconds(2200), limit: .seconds(1)))
        ])
        #expect(machine.expired(at: .milliseconds(2100)) == nil)
        #expect(machine.expired(at: .milliseconds(2200))?.timeout == .idle)
        #expect(machine.handle(.finished, at: .milliseconds(1500)) == [.finish])
        #expect(machine.deadline == nil)
        #expect(machine.handle(.bytesReceived, at: .seconds(2)) == [])
    }

    @Test func retriesWithBackoffUntilTheRetriesAreUsedUp() {
        var machine = ModelAttemptMachine(options: Self.options)
        _ = machine.handle(.attemptStarted, at: .zero)
        #expect(machine.handle(Self.failed(), at: .milliseconds(100)) == [.retry(attempt: 2, delay: .milliseconds(500))])
        #expect(machine.deadline == nil)
        _ = machine.handle(.attemptStarted, at: .milliseconds(600))
        #expect(machine.attempt == 2)
        #expect(machine.handle(Self.failed(), at: .milliseconds(700)) == [.retry(attempt: 3, delay: .seconds(1))])
        _ = machine.handle(.attemptStarted, at: .milliseconds(1700))
        #expect(machine.handle(Self.failed(), at: .milliseconds(1800)) == [.fail])
        #expect(machine.isDone)
    }

    @Test func jitterShortensTheWaitByAtMostAQuarter() {
        var machine = ModelAttemptMachine(options: Self.options)
        _ = machine.handle(.attemptStarted, at: .zero)
        let event = ModelAttemptMachine.Event.attemptFailed(retryable: true, retryAfter: nil, jitter: 0.999_999)
        guard case .retry(_, let delay)? = machine.handle(event, at: .zero).first else {
            Issue.record("no retry")
            return
        }
        #expect(delay > .milliseconds(375) && delay <= .milliseconds(376))
    }

    @Test func neverRetriesOnceAudioWasDelivered() {
        var machine = ModelAttemptMachine(options: Self.options)
        _ = machine.handle(.attemptStarted, at: .zero)
        _ = machine.handle(.bytesReceived, at: .milliseconds(300))
        #expect(machine.handle(.audioDelivered, at: .milliseconds(350)) == [])
        // The stream then stalls: the idle deadline passes, the failure is retryable, but the caller heard audio.
        #expect(machine.expired(at: .milliseconds(1300))?.timeout == .idle)
        #expect(machine.handle(Self.failed(), at: .milliseconds(1300)) == [.fail])
    }

    @Test func aFailureThatIsNotRetryableEndsTheRequest() {
        var machine = ModelAttemptMachine(options: Self.options)
        _ = machine.handle(.attemptStarted, at: .zero)
        #expect(machine.handle(Self.failed(retryable: false), at: .milliseconds(80)) == [.fail])
    }

    @Test func theServersRetryAfterWinsUnlessItBreaksTheBudget() {
        var machine = ModelAttemptMachine(options: Self.options)
        _ = machine.handle(.attemptStarted, at: .zero)
        #expect(machine.handle(Self.failed(retryAfter: .seconds(2)), at: .seconds(1)) == [.retry(attempt: 2, delay: .seconds(2))])
        _ = machine.handle(.attemptStarted, at: .seconds(3))
        // 9.5 s + 1 s wait would start the retry after the 10 s budget.
        #expect(machine.handle(Self.failed(retryAfter: .seconds(1)), at: .milliseconds(9500)) == [.fail])
    }

    @Test func aRetryAfterLongerThanHonouredIsNotWaitedFor() {
        var machine = ModelAttemptMachine(options: Self.options)
        _ = machine.handle(.attemptStarted, at: .zero)
        #expect(machine.handle(Self.failed(retryAfter: .seconds(61)), at: .zero) == [.fail])
    }
}
