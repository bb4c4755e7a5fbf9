// Server/Lifecycle: one part of a running Switchboard (SIP and media, admin API, model path, call-log writer) as a
// swift-service-lifecycle `Service`. Each part is started by `SwitchboardService.start` (so a caller knows its
// ports once `start` returns); the service waits for graceful shutdown and then runs the part's `stop`. The group
// shuts its services down in reverse order, one at a time: the same order as `SwitchboardService.stop()`.
import Logging
public import ServiceLifecycle

/// A started part of the server and how to stop it.
public struct ServicePart: Service {
    public let name: String
    let stop: @Sendable () async -> Void

    public init(name: String, stop: @escaping @Sendable () async -> Void) {
        self.name = name
        self.stop = stop
    }

    /// Runs until graceful shutdown (SIGTERM/SIGINT to the group) or cancellation, then stops the part.
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: stop all the same, so nothing is left running.
        }
        await stop()
    }

    /// Cancels a background task of a part and waits for it; logs how it ended unless it was the cancellation.
    static func end(_ task: Task<Void, any Error>, logger: Logger) async {
        task.cancel()
        do {
            try await task.value
        } catch is CancellationError {
        } catch {
            logger.debug("background task ended", metadata: ["error": "\(error)"])
        }
    }

    /// ": <error>" when `task` failed (it ended before doing its job), else "".
    static func failure(of task: Task<Void, any Error>) async -> String {
        do {
            try await task.value
            return ""
        } catch {
            return ": \(error)"
        }
    }

    /// Runs one shutdown step, logging (never hiding) its error.
    static func run(_ what: String, _ logger: Logger, _ step: () async throws -> Void) async {
        do {
            try await step()
        } catch {
            logger.warning("\(what) did not shut down cleanly", metadata: ["error": "\(error)"])
        }
    }
}
