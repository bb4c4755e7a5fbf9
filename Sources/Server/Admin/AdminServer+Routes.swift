// The admin routes. JSON bodies use the call log's encoder (ISO 8601 dates with milliseconds); errors are
// `{"error": "..."}` with a 4xx/5xx status.
import CallLog
import SwitchboardCore
import Foundation
import Hummingbird

extension AdminServer {
    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(BearerTokenMiddleware(token: configuration.bearerToken, openPaths: ["/healthz", "/readyz"]))
        router.get("/healthz") { [self] _, _ in
            guard let problem = degradation else { return Self.text("ok\n") }
            return Self.text("degraded\n\(problem)\n")
        }
        router.get("/readyz") { [self] _, _ in
            isReady ? Self.text("ready\n") : Self.text("not ready\n", status: .serviceUnavailable)
        }
        router.get("/metrics") { [metrics] _, _ in
            Self.text(metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.get("/calls") { [store] request, _ in
            guard let store else { return Self.error("the call log is not configured", status: .serviceUnavailable) }
            let query = request.uri.queryParameters
            var filter = CallListFilter()
            do {
                if let since = query["since"] { filter.since = try CallLogTimeSpec.instant(String(since), now: Date()) }
                if let limit = query["limit"] {
                    guard let value = Int(limit), (1...1000).contains(value) else {
                        return Self.error("limit must be a number from 1 to 1000", status: .badRequest)
                    }
                    filter.limit = value
                }
                filter.flow = query["flow"].map(String.init)
                filter.outcome = query["outcome"].map(String.init)
                return try Self.json(try await store.listCalls(filter))
            } catch let error as CallLogError where error.code == .badTimeSpec {
                return Self.error(error.message, status: .badRequest)
            }
        }
        router.get("/calls/:id") { [store] _, context in
            guard let store else { return Self.error("the call log is not configured", status: .serviceUnavailable) }
            let id = context.parameters.get("id") ?? ""
            do {
                guard let detail = try await store.call(id: id) else {
                    return Self.error("no call \(id)", status: .notFound)
                }
                return try Self.json(detail)
            } catch let error as CallLogError where error.code == .badCallID || error.code == .ambiguousCallID {
                return Self.error(error.message, status: .badRequest)
            }
        }
        router.post("/calls") { [callPlacer] request, _ in
            guard let placer = callPlacer.withLock({ $0 }) else {
                return Self.error("outbound calls are not available yet (SIP is not running)", status: .serviceUnavailable)
            }
            let body = try await request.body.collect(upTo: 64 * 1024)
            guard let call = try? JSONDecoder().decode(OutboundCallRequest.self, from: Data(body.readableBytesView)) else {
                return Self.error(
                    "the body must be JSON: {\"to\": \"NUMBER\", \"flow\": \"FLOW.yaml\", \"trunk\": \"NAME\", \"vars\": {…}}",
                    status: .badRequest)
            }
            do {
                let response = try await placer(call)
                return try Self.json(response, status: response.outcome == "over_capacity" ? .serviceUnavailable : .ok)
            } catch let error as OutboundCallError {
                return Self.error(error.message, status: HTTPResponse.Status(code: error.status))
            }
        }
        router.post("/flows/reload") { [reloadFlows] _, _ in
            guard let reloadFlows else { return Self.error("flow reload is not available", status: .notImplemented) }
            let result = await reloadFlows()
            return try Self.json(result, status: result.ok ? .ok : .unprocessableContent)
        }
        return router
    }

    static func text(_ body: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8")
        -> Response
    {
        Response(
            status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var data = try CallLogStore.jsonEncoder().encode(value)
        data.append(0x0A)
        return Response(
            status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        (try? json(["error": message], status: status)) ?? text(message + "\n", status: status)
    }
}

/// Rejects requests without `Authorization: Bearer <token>` (constant-time compare) with 401, except on
/// `openPaths`. A nil token disables the check (loopback only; `AdminServerConfiguration.validate`).
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let token, !openPaths.contains(request.uri.path) else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        let presented = header.hasPrefix(prefix) ? String(header.dropFirst(prefix.count)) : ""
        guard ConstantTime.equal(presented, token) else {
            var response = AdminServer.error("missing or wrong bearer token", status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer realm=\"switchboard-admin\""
            return response
        }
        return try await next(request, context)
    }
}
