// SwitchboardTestKit: an OpenAI-compatible HTTP server on 127.0.0.1 (ephemeral port) for model-client tests.
// It records every request and answers from a script: SSE bodies split into chosen pieces with delays,
// error statuses with headers (retry-after …), non-streamed JSON, stalls (the body never ends) and resets.
// Requests to `/audio/transcriptions` are kept apart: answered `{"text": …}` from their own queue.
// Real sockets (NIOPosix + NIOHTTP1); no production code imports it.
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

public final class OpenAITestServer: Sendable {
    /// One request as received.
    public struct RecordedRequest: Sendable {
        public var method: String
        public var uri: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    struct State: Sendable {
        var script: [OpenAITestReply] = []
        var requests: [RecordedRequest] = []
        var completedReplies = 0
        var abortedReplies = 0
        /// Answers `POST …/audio/speech` when set (OpenAITestServer+Speech.swift); the script is not used for them.
        var speech: (@Sendable (RecordedRequest) -> OpenAITestReply)?
        var transcripts: [String] = []
        var transcriptionRequests: [RecordedRequest] = []
    }

    let state = Mutex(State())
    private let channel: any Channel
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Starts listening on 127.0.0.1 with a port chosen by the system.
    public static func start() async throws -> OpenAITestServer {
        let box = ServerBox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(OpenAITestServerHandler(server: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let server = OpenAITestServer(channel: channel, port: channel.localAddress?.port ?? 0)
        box.server.withLock { $0 = server }
        return server
    }

    /// `http://127.0.0.1:PORT/v1`, the base URL a client should use.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// Queues replies, served in order, one per request. With an empty queue the server answers 500.
    public func enqueue(_ replies: OpenAITestReply...) {
        state.withLock { $0.script += replies }
    }

    public func enqueue(_ replies: [OpenAITestReply]) {
        state.withLock { $0.script += replies }
    }

    /// Queues transcripts, served in order to `/audio/transcriptions` requests (an empty queue answers "").
    public func enqueueTranscripts(_ texts: [String]) {
        state.withLock { $0.transcripts += texts }
    }

    /// Every `/audio/transcriptions` request received so far (not in `requests`).
    public var transcriptionRequests: [RecordedRequest] { state.withLock { $0.transcriptionRequests } }

    /// Every chat request received so far, in order.
    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Replies whose connection closed before the reply was complete (the client aborted).
    public var abortedReplies: Int { state.withLock { $0.abortedReplies } }

    /// Replies sent to the end.
    public var completedReplies: Int { state.withLock { $0.completedReplies } }

    /// Replies still queued.
    public var pendingReplies: Int { state.withLock { $0.script.count } }

    public func shutdown() async throws {
        try await channel.close()
    }

    func next(for request: RecordedRequest) -> OpenAITestReply {
        state.withLock { state in
            if request.uri.hasSuffix("/audio/transcriptions") {
                state.transcriptionRequests.append(request)
                let text = state.transcripts.isEmpty ? "" : state.transcripts.removeFirst()
                let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                return OpenAITestReply.json("{\"text\":\"\(escaped)\"}")
            }
            state.requests.append(request)
            if let speech = state.speech, request.uri.hasSuffix("/audio/speech") { return speech(request) }
            guard !state.script.isEmpty else {
                return OpenAITestReply.error(
                    status: 500, body: #"{"error":{"message":"test server: no scripted reply left","type":"test"}}"#)
            }
            return state.script.removeFirst()
        }
    }
}

/// Lets the channel handlers reach the server object created after the bootstrap.
final class ServerBox: Sendable {
    let server = Mutex<OpenAITestServer?>(nil)
}
