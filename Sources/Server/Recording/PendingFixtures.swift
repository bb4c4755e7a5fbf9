// Server/Recording: the recorded calls whose fixture is not written yet, process-wide, so that stopping the
// service (SIGTERM ends live calls with BYE) can wait for their folders before the process exits.
import Synchronization

extension CallRecorder {
    private static let pending = Mutex(0)

    static func callStarted() {
        pending.withLock { $0 += 1 }
    }

    static func fixtureDone() {
        pending.withLock { $0 = max(0, $0 - 1) }
    }

    /// Recorded calls still running or being written.
    public static var pendingFixtures: Int { pending.withLock { $0 } }

    /// Waits until every recorded call has written its fixture, or `timeout` passed.
    public static func waitForPendingFixtures(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while pendingFixtures > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
