import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for webhook tests: every request is recorded and
/// answered by an async handler, which may sleep to play a slow receiver.
final class TestHTTPServer: Sendable {
    struct Request: Sendable {
        var method: String
        var uri: String
        var headers: [String: String]  // lower-cased names
        var body: Data
    }

    struct Response: Sendable {
        var status: Int = 200
        var body: Data = Data("{}".utf8)
        var contentType = "application/json"

        static func json(_ text: String, status: Int = 200) -> Response {
            Response(status: status, body: Data(text.utf8))
        }
    }

    typealias Handler = @Sendable (Request) async -> Response

    actor Log {
        private(set) var requests: [Request] = []
        func append(_ request: Request) { requests.append(request) }
    }

    let port: Int
    let log: Log
    private let channel: any Channel
    private let acceptTask: Task<Void, Never>

    private init(port: Int, channel: any Channel, acceptTask: Task<Void, Never>, log: Log) {
        self.port = port
        self.channel = channel
        self.acceptTask = acceptTask
        self.log = log
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] {
        get async { await log.requests }
    }

    static func start(handler: @escaping Handler) async throws -> TestHTTPServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? 0
        let log = Log()
        let task = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await serve(connection, handler: handler, log: log) }
                        }
                    }
                } catch {
                    // The listening socket was closed: the server is shutting down.
                }
            }
        }
        return TestHTTPServer(port: port, channel: server.channel, acceptTask: task, log: log)
    }

    func shutdown() async {
        try? await channel.close()
        acceptTask.cancel()
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, handler: Handler, log: Log
    ) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = Data()
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body = Data()
                    case .body(let buffer):
                        body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        guard let requestHead = head else { continue }
                        var headers: [String: String] = [:]
                        for (name, value) in requestHead.headers { headers[name.lowercased()] = value }
                        let request = Request(
                            method: "\(requestHead.method)", uri: requestHead.uri, headers: headers, body: body)
                        await log.append(request)
                        let response = await handler(request)
                        var responseHeaders = HTTPHeaders()
                        responseHeaders.add(name: "Content-Type", value: response.contentType)
                        responseHeaders.add(name: "Content-Length", value: "\(response.body.count)")
                        try await outbound.write(
                            .head(
                                HTTPResponseHead(
                                    version: .http1_1, status: HTTPResponseStatus(statusCode: response.status),
                                    headers: responseHeaders)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                        try await outbound.write(.end(nil))
                    }
                }
            }
        } catch {
            // The client went away (e.g. it timed out): nothing to do.
        }
    }
}
