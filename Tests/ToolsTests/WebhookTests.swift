import AsyncHTTPClient
import Foundation
import Testing
@testable import Tools
import SwitchboardCore
import SwitchboardTestKit

/// Webhook tools against a real HTTP server on 127.0.0.1 started by each test.
@Suite(.tags(.integration)) struct WebhookTests {
    static let secret = "whsec_test_0123456789"
    static let environment = ["CRM_WEBHOOK_SECRET": secret]
    static let policy = EgressPolicy(allowedHosts: ["127.0.0.1"], allowPrivateAddresses: true)

    static func definition(_ url: String, name: String = "check_order", timeout: Double = 2, attempts: Int = 3)
        -> ToolDefinition
    {
        ToolDefinition(
            name: name, description: "Look up an order.",
            parameters: [
                "type": "object", "properties": ["order_id": ["type": "string"], "pin": ["type": "string"]],
                "required": ["order_id"],
            ],
            implementation: .webhook(
                .init(url: url, secretEnv: "CRM_WEBHOOK_SECRET", timeout: timeout, maxAttempts: attempts)))
    }

    /// Runs `body` with a server, a client and a dispatcher that knows `definitions`; always cleans up.
    static func withWebhooks(
        _ handler: @escaping TestHTTPServer.Handler, definitions: (String) -> [ToolDefinition],
        policy: EgressPolicy = policy,
        _ body: (TestHTTPServer, ToolDispatcher) async throws -> Void
    ) async throws {
        let server = try await TestHTTPServer.start(handler: handler)
        let client = WebhookCaller.makeHTTPClient()
        let caller = WebhookCaller(
            client: client, policy: policy, environment: environment, retryDelay: .milliseconds(20),
            logger: ToolsTestSupport.quietLogger)
        let dispatcher = ToolsTestSupport.dispatcher(
            accounts: nil, extra: definitions(server.baseURL + "/hooks/order"), webhooks: caller)
        do {
            try await body(server, dispatcher)
        } catch {
            try? await client.shutdown()
            await server.shutdown()
            throw error
        }
        try await client.shutdown()
        await server.shutdown()
    }

    @Test func successSendsASignedEnvelopeAndReturnsTheReply() async throws {
        try await Self.withWebhooks({ request in
            let verdict = WebhookSignature.verify(
                header: request.headers["x-switchboard-signature"] ?? "", body: request.body, secret: Self.secret,
                now: Int(Date().timeIntervalSince1970))
            guard verdict == .valid else { return .json(#"{"error":"bad signature"}"#, status: 401) }
            return .json(#"{"status":"shipped","eta":"2026-12-01"}"#)
        }, definitions: { [Self.definition($0)] }) { server, dispatcher in
            let context = ToolCallContext(callID: "call-42", callerNumber: "+15550100001")
            let step = await dispatcher.one("check_order", #"{"order_id":"A-17","pin":"4821"}"#, context, id: "tc_1")
            #expect(!step.result.isError)
            #expect(step.value == ["status": "shipped", "eta": "2026-12-01"])
            #expect(step.record.attempts == 1)
            #expect(step.record.arguments.jsonText == #"{"order_id":"A-17","pin":"[REDACTED]"}"#)
            let requests = await server.requests
            try #require(requests.count == 1)
            let request = requests[0]
            #expect(request.method == "POST")
            #expect(request.uri == "/hooks/order")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["idempotency-key"] == WebhookCaller.idempotencyKey(callID: "call-42", toolCallID: "tc_1"))
            let envelope = try JSONValue.parse(request.body)
            #expect(envelope["call_id"] == "call-42")
            #expect(envelope["caller_number"] == "+15550100001")
            #expect(envelope["tool"] == "check_order")
            #expect(envelope["arguments"] == ["order_id": "A-17", "pin": "4821"])
        }
    }

    @Test func receiverRejectsATamperedBodyOrWrongSecret() async throws {
        let body = Data(#"{"arguments":{"amount":10},"tool":"refund"}"#.utf8)
        let now = 1_790_000_000
        let header = WebhookSignature.header(body: body, secret: Self.secret, timestamp: now)
        #expect(WebhookSignature.verify(header: header, body: body, secret: Self.secret, now: now + 5) == .valid)
        let tampered = Data(#"{"arguments":{"amount":1000},"tool":"refund"}"#.utf8)
        #expect(WebhookSignature.verify(header: header, body: tampered, secret: Self.secret, now: now) == .mismatch)
        #expect(WebhookSignature.verify(header: header, body: body, secret: "other", now: now) == .mismatch)
        #expect(WebhookSignature.verify(header: header, body: body, secret: Self.secret, now: now + 3600) == .expired)
        #expect(WebhookSignature.verify(header: "v1=abc", body: body, secret: Self.secret, now: now) == .malformed)
        // Known-answer: HMAC-SHA256("key", "1.{}") computed independently with openssl.
        #expect(WebhookSignature.header(body: Data("{}".utf8), secret: "key", timestamp: 1)
            == "t=1,v1=" + WebhookSignatureKnownAnswer.hex)
    }

    @Test func serverSideSignatureCheckFailsForAMissingSecret() async throws {
        // With the secret variable unset, nothing is sent at all.
        let server = try await TestHTTPServer.start { _ in .json("{}") }
        let client = WebhookCaller.makeHTTPClient()
        let caller = WebhookCaller(client: client, policy: Self.policy, environment: [:])
        let dispatcher = ToolsTestSupport.dispatcher(
            accounts: nil, extra: [Self.definition(server.baseURL + "/x")], webhooks: caller)
        let step = await dispatcher.one("check_order", #"{"order_id":"1"}"#, ToolsTestSupport.context())
        try await client.shutdown()
        await server.shutdown()
        #expect(step.result.errorMessage?.contains("CRM_WEBHOOK_SECRET is not set") == true)
        #expect(await server.requests.isEmpty)
    }

    @Test func slowReceiverTimesOut() async throws {
        try await Self.withWebhooks({ _ in
            try? await Task.sleep(for: .seconds(2))
            return .json("{}")
        }, definitions: { [Self.definition($0, timeout: 0.3)] }) { server, dispatcher in
            let clock = ContinuousClock()
            let started = clock.now
            let step = await dispatcher.one("check_order", #"{"order_id":"1"}"#, ToolsTestSupport.context())
            let elapsed = clock.now - started
            #expect(step.result.isError)
            #expect(step.result.errorMessage?.contains("timed out") == true)
            #expect(step.value["retryable"] == true)
            #expect(elapsed < .milliseconds(1500))
            #expect(await server.requests.count == 1)
        }
    }

    @Test func serverErrorIsRetriedWithTheSameIdempotencyKey() async throws {
        let counter = Counter()
        try await Self.withWebhooks({ _ in
            let n = await counter.next()
            return n == 1 ? .json(#"{"error":"db down"}"#, status: 500) : .json(#"{"ok":true,"attempt":\#(n)}"#)
        }, definitions: { [Self.definition($0)] }) { server, dispatcher in
            let step = await dispatcher.one("check_order", #"{"order_id":"1"}"#, ToolsTestSupport.context())
            #expect(step.value == ["ok": true, "attempt": 2])
            #expect(step.record.attempts == 2)
            let keys = await server.requests.map { $0.headers["idempotency-key"] ?? "" }
            #expect(keys.count == 2)
            #expect(keys[0] == keys[1])
            #expect(keys[0].hasPrefix("sb-"))
        }
    }

    @Test func persistentServerErrorsGiveUpAfterMaxAttempts() async throws {
        try await Self.withWebhooks({ _ in .json("oops", status: 503) }, definitions: { [Self.definition($0, attempts: 3)] }) {
            server, dispatcher in
            let step = await dispatcher.one("check_order", #"{"order_id":"1"}"#, ToolsTestSupport.context())
            #expect(step.result.errorMessage == "webhook failed after 3 attempts (HTTP 503)")
            #expect(await server.requests.count == 3)
        }
    }

    @Test func clientErrorIsNotRetried() async throws {
        try await Self.withWebhooks({ _ in .json(#"{"error":"unknown order"}"#, status: 404) },
            definitions: { [Self.definition($0)] }) { server, dispatcher in
            let step = await dispatcher.one("check_order", #"{"order_id":"1"}"#, ToolsTestSupport.context())
            #expect(step.value["status"] == 404)
            #expect(step.value["detail"] == "unknown order")
            #expect(await server.requests.count == 1)
        }
    }

    @Test func refusedConnectionEndsAsARetryableErrorWithinTheTimeout() async throws {
        // A port that was just listening and is now closed. AsyncHTTPClient's pool keeps retrying the connection
        // until the attempt's deadline, so this ends as a timeout (not retried further), bounded in time.
        let server = try await TestHTTPServer.start { _ in .json("{}") }
        let url = server.baseURL + "/gone"
        await server.shutdown()
        let client = WebhookCaller.makeHTTPClient()
        let caller = WebhookCaller(
            client: client, policy: Self.policy, environment: Self.environment, retryDelay: .milliseconds(10),
            logger: ToolsTestSupport.quietLogger)
        let dispatcher = ToolsTestSupport.dispatcher(
            accounts: nil, extra: [Self.definition(url, timeout: 0.5, attempts: 2)], webhooks: caller)
        let clock = ContinuousClock()
        let started = clock.now
        let step = await dispatcher.one("check_order", #"{"order_id":"1"}"#, ToolsTestSupport.context())
        let elapsed = clock.now - started
        try await client.shutdown()
        #expect(step.result.isError)
        #expect(step.value["retryable"] == true)
        // Two attempts of 0.5 s: about 1 s. The bound leaves room for a loaded 2-core CI box (1.98 s seen with six
        // builds running) while still far below AsyncHTTPClient's own connect timeout (10 s), which it would hit
        // if the attempt deadline did not apply.
        #expect(elapsed < .seconds(4), "took \(elapsed)")
    }

    @Test func redirectsAreNotFollowed() async throws {
        try await Self.withWebhooks({ _ in
            TestHTTPServer.Response(status: 302, body: Data(), contentType: "text/plain")
        }, definitions: { [Self.definition($0)] }) { server, dispatcher in
            let step = await dispatcher.one("check_order", #"{"order_id":"1"}"#, ToolsTestSupport.context())
            #expect(step.result.errorMessage?.contains("redirects are not followed") == true)
            #expect(await server.requests.count == 1)
        }
    }

    @Test func nonJSONReplyIsAnErrorResult() async throws {
        try await Self.withWebhooks({ _ in
            TestHTTPServer.Response(status: 200, body: Data("<html>hi</html>".utf8), contentType: "text/html")
        }, definitions: { [Self.definition($0)] }) { _, dispatcher in
            let step = await dispatcher.one("check_order", #"{"order_id":"1"}"#, ToolsTestSupport.context())
            #expect(step.result.isError)
            #expect(step.result.errorMessage == "webhook replied with a body that is not JSON")
        }
    }

    @Test func parallelCallsRunConcurrentlyAndKeepTheirOrder() async throws {
        let spans = SpanLog()
        try await Self.withWebhooks({ request in
            let arguments = (try? JSONValue.parse(request.body))?["arguments"]
            let id = arguments?["order_id"]?.stringValue ?? "?"
            if id == "warm-up" { return .json("{}") }
            let started = ContinuousClock.now
            try? await Task.sleep(for: .milliseconds(200))
            await spans.add(id, started, ContinuousClock.now)
            return .json(#"{"order":"\#(id)"}"#)
        }, definitions: { [Self.definition($0)] }) { _, dispatcher in
            // First use of the HTTP client and its event loops is not what this test measures.
            _ = await dispatcher.one("check_order", #"{"order_id":"warm-up"}"#, ToolsTestSupport.context())
            let calls = [
                ToolCall(id: "a", name: "check_order", argumentsText: #"{"order_id":"first"}"#),
                ToolCall(id: "b", name: "check_order", argumentsText: #"{"order_id":"second"}"#),
            ]
            let clock = ContinuousClock()
            let started = clock.now
            let outcome = await dispatcher.dispatch(calls, context: ToolsTestSupport.context())
            let elapsed = clock.now - started
            #expect(elapsed < .milliseconds(350), "two 200 ms webhooks took \(elapsed)")
            #expect(outcome.results.map(\.id) == ["a", "b"])
            #expect(outcome.results.map(\.value) == [["order": "first"], ["order": "second"]])
            // The receiver saw both requests in flight at once.
            let recorded = await spans.spans
            try #require(recorded.count == 2)
            #expect(recorded[0].start < recorded[1].end && recorded[1].start < recorded[0].end)
        }
    }

    @Test func ssrfRefusalIsAnErrorResultAndNoRequestIsMade() async throws {
        try await Self.withWebhooks({ _ in .json("{}") }, definitions: { _ in
            [Self.definition("http://169.254.169.254/latest/meta-data/", name: "meta")]
        }, policy: EgressPolicy(allowedHosts: ["169.254.169.254", "127.0.0.1"], allowPrivateAddresses: true)) {
            server, dispatcher in
            let step = await dispatcher.one("meta", #"{"order_id":"1"}"#, ToolsTestSupport.context())
            #expect(step.result.errorMessage?.hasPrefix("webhook destination refused") == true)
            #expect(step.record.attempts == 0)
            #expect(await server.requests.isEmpty)
        }
    }
}

actor SpanLog {
    private(set) var spans: [(id: String, start: ContinuousClock.Instant, end: ContinuousClock.Instant)] = []
    func add(_ id: String, _ start: ContinuousClock.Instant, _ end: ContinuousClock.Instant) {
        spans.append((id, start, end))
    }
}

actor Counter {
    private var value = 0
    func next() -> Int {
        value += 1
        return value
    }
}

enum WebhookSignatureKnownAnswer {
    static let hex = "1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
}
