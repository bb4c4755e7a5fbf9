// SwitchboardTestKit: the per-connection handler of `OpenAITestServer`: collects a request, records it, and
// plays the next scripted reply piece by piece on the channel's event loop.
import NIOCore
import NIOHTTP1

final class OpenAITestServerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: ServerBox
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var replying = false
    private var pending: Scheduled<Void>?

    init(server: ServerBox) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let value):
            head = value
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head, let server = server.server.withLock({ $0 }) else { return }
            let request = OpenAITestServer.RecordedRequest(
                method: head.method.rawValue, uri: head.uri,
                headers: head.headers.map { (name: $0.name, value: $0.value) }, body: body)
            reply(server.next(for: request), context: context, server: server)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.cancel()
        if replying, let server = server.server.withLock({ $0 }) {
            server.state.withLock { $0.abortedReplies += 1 }
        }
        replying = false
        context.fireChannelInactive()
    }

    private func reply(_ reply: OpenAITestReply, context: ChannelHandlerContext, server: OpenAITestServer) {
        var headers = HTTPHeaders()
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        headers.add(name: "transfer-encoding", value: "chunked")
        let status = HTTPResponseStatus(statusCode: reply.status)
        replying = true
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        play(reply, from: 0, context: context, server: server)
    }

    private func play(_ reply: OpenAITestReply, from index: Int, context: ChannelHandlerContext, server: OpenAITestServer) {
        var index = index
        while index < reply.pieces.count {
            switch reply.pieces[index] {
            case .bytes(let bytes):
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: bytes)))), promise: nil)
                index += 1
            case .delay(let duration):
                let next = index + 1
                let nanos = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
                pending = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanos)) {
                    guard self.replying else { return }
                    self.play(reply, from: next, context: context, server: server)
                }
                return
            }
        }
        switch reply.ending {
        case .finish:
            replying = false
            server.state.withLock { $0.completedReplies += 1 }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .hang:
            break
        case .close:
            context.close(promise: nil)
        }
    }
}
