public import AsyncHTTPClient
import Crypto
public import Foundation
public import Logging
public import SwitchboardCore

/// Calls webhook tools: POSTs `{"call_id", "caller_number", "verified", "tool", "tool_call_id", "arguments"}`
/// as JSON, signed (`X-Switchboard-Signature`), with an `Idempotency-Key` that stays the same across retries
/// (and is derived from the call and tool-call ids, so a replayed call sends the same key). Each attempt has
/// the configured timeout; connection errors and 5xx are retried with a short jittered backoff, up to
/// `maxAttempts`. A timeout is not retried (the receiver may still be working on it). The JSON reply body is
/// the tool result; anything else becomes an error result. Redirects are never followed.
public struct WebhookCaller: Sendable {
    public struct Outcome: Sendable, Hashable {
        public var value: JSONValue
        public var isError: Bool
        public var attempts: Int
    }

    let client: HTTPClient
    let policy: EgressPolicy
    let environment: [String: String]
    let resolve: EgressPolicy.Resolver
    let logger: Logger
    /// First retry delay; doubles each retry, with up to 50 % jitter.
    let retryDelay: Duration
    /// Largest reply accepted.
    let maxReplyBytes: Int
    let now: @Sendable () -> Date

    public init(
        client: HTTPClient, policy: EgressPolicy, environment: [String: String] = ProcessInfo.processInfo.environment,
        resolve: @escaping EgressPolicy.Resolver = SystemResolver.resolve, retryDelay: Duration = .milliseconds(100),
        maxReplyBytes: Int = 256 * 1024, logger: Logger = Logger(label: "switchboard.tools.webhook"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.client = client
        self.policy = policy
        self.environment = environment
        self.resolve = resolve
        self.retryDelay = retryDelay
        self.maxReplyBytes = maxReplyBytes
        self.logger = logger
        self.now = now
    }

    /// An HTTP client configured for webhooks: no redirects, short connect timeout. The owner shuts it down.
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(3), read: .seconds(30)))
        configuration.httpVersion = .http1Only
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// The idempotency key of one tool call: the same for every attempt and every replay of it.
    public static func idempotencyKey(callID: String, toolCallID: String) -> String {
        let digest = SHA256.hash(data: Data("\(callID)\n\(toolCallID)".utf8))
        return "sb-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    public func call(
        _ configuration: WebhookConfiguration, tool: String, call: ToolCall, arguments: JSONValue,
        context: ToolCallContext
    ) async -> Outcome {
        func failure(_ message: String, retryable: Bool, attempts: Int, extra: [String: JSONValue] = [:]) -> Outcome {
            var members = extra
            members["error"] = .string(message)
            members["retryable"] = .bool(retryable)
            return Outcome(value: .object(members), isError: true, attempts: attempts)
        }
        let destination: EgressPolicy.Destination
        do {
            destination = try await policy.check(configuration.url, resolve: resolve)
        } catch {
            logger.warning("webhook refused", metadata: ["tool": "\(tool)", "reason": "\(error.description)"])
            return failure("webhook destination refused: \(error.description)", retryable: false, attempts: 0)
        }
        var secret: String?
        if let name = configuration.secretEnv {
            guard let value = environment[name], !value.isEmpty else {
                return failure(
                    "webhook secret not configured (environment variable \(name) is not set)", retryable: false,
                    attempts: 0)
            }
            secret = value
        }
        let envelope: JSONValue = [
            "call_id": .string(context.callID), "caller_number": .string(context.callerNumber),
            "verified": .bool(context.verified), "tool": .string(tool), "tool_call_id": .string(call.id),
            "arguments": arguments,
        ]
        let body = Data(envelope.jsonText.utf8)
        let key = Self.idempotencyKey(callID: context.callID, toolCallID: call.id)
        let attempts = max(1, min(configuration.maxAttempts, 5))
        var lastProblem = "no attempt made"
        for attempt in 1...attempts {
            if attempt > 1 {
                let factor = Double(1 << (attempt - 2)) * Double.random(in: 1.0...1.5)
                try? await Task.sleep(for: retryDelay * factor)
            }
            if Task.isCancelled { return failure("cancelled", retryable: true, attempts: attempt - 1) }
            var request = HTTPClientRequest(url: destination.url.absoluteString)
            request.method = .POST
            for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
                request.headers.replaceOrAdd(name: name, value: value)
            }
            request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            request.headers.replaceOrAdd(name: "Accept", value: "application/json")
            request.headers.replaceOrAdd(name: "User-Agent", value: "Switchboard-Tools/1")
            request.headers.replaceOrAdd(name: "Idempotency-Key", value: key)
            if let secret {
                let header = WebhookSignature.header(
                    body: body, secret: secret, timestamp: Int(now().timeIntervalSince1970))
                request.headers.replaceOrAdd(name: WebhookSignature.headerName, value: header)
            }
            request.body = .bytes(Array(body))
            let started = ContinuousClock.now
            let result = await send(request, timeout: configuration.timeout)
            let elapsed = ContinuousClock.now - started
            switch result {
            case .timedOut:
                logger.warning("webhook timed out", metadata: ["tool": "\(tool)", "host": "\(destination.host)"])
                return failure(
                    "webhook timed out after \(configuration.timeout) s", retryable: true, attempts: attempt)
            case .failed(let description):
                lastProblem = "connection failed: \(description)"
                logger.info(
                    "webhook attempt failed",
                    metadata: ["tool": "\(tool)", "attempt": "\(attempt)", "error": "\(description)"])
            case .replied(let status, let reply):
                logger.debug(
                    "webhook replied",
                    metadata: ["tool": "\(tool)", "status": "\(status)", "elapsed": "\(elapsed)"])
                if status >= 500 {
                    lastProblem = "HTTP \(status)"
                    continue
                }
                return interpret(status: status, reply: reply, attempts: attempt, failure: failure)
            }
        }
        return failure("webhook failed after \(attempts) attempts (\(lastProblem))", retryable: true, attempts: attempts)
    }

    private func interpret(
        status: Int, reply: [UInt8], attempts: Int,
        failure: (String, Bool, Int, [String: JSONValue]) -> Outcome
    ) -> Outcome {
        if (300..<400).contains(status) {
            return failure("webhook replied with a redirect (HTTP \(status)); redirects are not followed", false, attempts, [:])
        }
        let parsed: JSONValue? = reply.isEmpty ? nil : try? JSONValue.parse(Data(reply))
        if (200..<300).contains(status) {
            if reply.isEmpty { return Outcome(value: ["ok": true], isError: false, attempts: attempts) }
            guard let parsed else {
                return failure("webhook replied with a body that is not JSON", false, attempts, [:])
            }
            return Outcome(value: parsed, isError: false, attempts: attempts)
        }
        var extra: [String: JSONValue] = ["status": .number(Double(status))]
        if let detail = parsed?["error"] ?? parsed?["message"] { extra["detail"] = detail }
        return failure("webhook refused the call (HTTP \(status))", status == 429 || status == 408, attempts, extra)
    }

    enum AttemptResult: Sendable {
        case replied(Int, [UInt8])
        case failed(String)
        case timedOut
    }

    private func send(_ request: HTTPClientRequest, timeout seconds: Double) async -> AttemptResult {
        let client = self.client
        let maxReplyBytes = self.maxReplyBytes
        let milliseconds = Int64((seconds * 1000).rounded())
        // The request and the timer race; the tool call gets the first answer at once. The request is then
        // cancelled, but is not waited for (a client slow to honour cancellation cannot stretch the timeout).
        let first = FirstOf<AttemptResult>()
        return await withTaskCancellationHandler {
            await first.wait([
                {
                    do {
                        let response = try await client.execute(request, timeout: .milliseconds(milliseconds))
                        let buffer = try await response.body.collect(upTo: maxReplyBytes)
                        return .replied(Int(response.status.code), Array(buffer.readableBytesView))
                    } catch is CancellationError {
                        return .timedOut
                    } catch {
                        let text = String(describing: error)
                        return text.contains("deadlineExceeded") ? .timedOut : .failed(text)
                    }
                },
                {
                    try? await Task.sleep(for: .milliseconds(milliseconds))
                    return .timedOut
                },
            ])
        } onCancel: {
            first.offer(.timedOut)
        }
    }
}
