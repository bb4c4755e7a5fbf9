// Server: recorded cassettes served as an OpenAI-compatible `/v1/chat/completions` endpoint, streamed with the
// recorded chunking and timing, so the live server path (HTTP client, SSE, retries) runs end to end offline.
// Used by `switchboard model-server` and by `switchboard demo` when no API key is set.
import Foundation
public import Hummingbird
import Logging
import NIOCore
public import Replay
import Synchronization

/// Serves the exchanges of one or more cassettes, in order, one per request.
public final class CassetteServer: Sendable {
    public let exchanges: [CassetteExchange]
    private let next = Mutex(0)

    public init(cassettes: [Cassette]) {
        exchanges = cassettes.flatMap(\.exchanges)
    }

    /// Loads `path`: a cassette folder, a fixture folder, or a folder of fixtures (in name order).
    public static func load(path: String) throws -> CassetteServer {
        let url = URL(fileURLWithPath: path)
        let fm = FileManager.default
        if let names = try? fm.contentsOfDirectory(atPath: url.path), names.contains(where: { $0.hasSuffix(".response.json") }) {
            return CassetteServer(cassettes: [try Cassette.load(from: url)])
        }
        let fixtures = try Fixture.discover([url])
        return CassetteServer(cassettes: try fixtures.map { try Cassette.load(from: $0.appendingPathComponent("cassette")) })
    }

    /// Requests served so far.
    public var served: Int { next.withLock { $0 } }

    private func take() -> CassetteExchange? {
        next.withLock { index in
            guard index < exchanges.count else { return nil }
            defer { index += 1 }
            return exchanges[index]
        }
    }

    /// The router with `POST /v1/chat/completions` (and `/chat/completions` for base URLs without /v1).
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { [self] request, _ in
            _ = try await request.body.collect(upTo: 64 << 20)
            return self.response()
        }
        router.post("/v1/chat/completions", use: handler)
        router.post("/chat/completions", use: handler)
        router.get("/healthz") { _, _ in "ok" }
        return router
    }

    func response() -> Response {
        guard let exchange = take() else {
            let body = #"{"error":{"message":"the cassette has no more recorded responses","type":"server_error","param":null,"code":"cassette_exhausted"}}"#
            return Response(
                status: .internalServerError, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        let recorded = exchange.response
        var headers = HTTPFields()
        if let type = recorded.headers.first(where: { $0.key.lowercased() == "content-type" })?.value {
            headers[.contentType] = type
        }
        let chunks = recorded.timedChunks.map { (atMs: $0.atMs, bytes: Array($0.bytes)) }
        let stalls = recorded.stalls
        let body = ResponseBody { writer in
            let start = ContinuousClock.now
            for chunk in chunks {
                try await Task.sleep(until: start + .milliseconds(chunk.atMs), clock: .continuous)
                try await writer.write(ByteBuffer(bytes: chunk.bytes))
            }
            if stalls {
                // Keep the connection open and silent: the client's idle timeout must decide.
                try await Task.sleep(for: .seconds(600))
            }
            try await writer.finish(nil)
        }
        return Response(status: .init(code: recorded.status), headers: headers, body: body)
    }

    /// Runs the server on `host:port` until cancelled; `onListening` gets the bound port. `standalone` (the
    /// `model-server` command) also stops it on SIGTERM/SIGINT; inside `serve` the server's own lifecycle stops it.
    public func run(
        host: String = "127.0.0.1", port: Int, standalone: Bool = true,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = service(host: host, port: port, onListening: onListening)
        if standalone {
            try await app.runService()
        } else {
            try await app.run()
        }
    }

    /// The server as a `Service`: in a `ServiceGroup`, a graceful shutdown closes it cleanly (what `serve` and
    /// `demo` do; cancelling its task instead makes Hummingbird log a CancellationError).
    public func service(
        host: String = "127.0.0.1", port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(), configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: Logger(label: "switchboard.model-server"))
    }
}
