// Helpers for the admin API tests: a temp call log, a running AdminServer on an ephemeral 127.0.0.1 port,
// and a real HTTP client (AsyncHTTPClient) talking to it.
import AsyncHTTPClient
import CallLog
import Foundation
import NIOCore
import NIOHTTP1
import Server
import SwitchboardCore

struct TempFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("server-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

struct HTTPResult {
    let status: Int
    let headers: [(String, String)]
    let body: String

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// A running admin server; `stop()` cancels it.
struct RunningAdmin {
    let server: AdminServer
    let port: Int
    let task: Task<Void, any Error>

    static func start(_ server: AdminServer) async throws -> RunningAdmin {
        let task = Task { try await server.run() }
        guard let port = await server.listeningPort() else {
            _ = try await task.value
            throw CancellationError()
        }
        return RunningAdmin(server: server, port: port, task: task)
    }

    func request(_ path: String, token: String? = nil) async throws -> HTTPResult {
        try await request(.GET, path, token: token)
    }

    func request(_ method: HTTPMethod, _ path: String, token: String? = nil) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        return HTTPResult(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: body))
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

func sampleCall(_ id: String = CallStarted.newCallID(), flow: String = "support", start: Date = Date(), reason: CallEndReason = .completed)
    -> [CallLogRecord]
{
    [
        .started(CallStarted(callID: id, at: start, caller: "+15551230001", callee: "+15559990000", bridge: "sip", flow: flow)),
        .event(CallEvent(callID: id, at: start.addingTimeInterval(0.2), kind: .answered)),
        .turn(TurnRecord(callID: id, role: .caller, transcript: "hi", audioMs: 700, startedAt: start.addingTimeInterval(1))),
        .modelRequest(
            ModelRequestRecord(
                callID: id, provider: "openai", model: "gpt-4o-mini-audio-preview", status: "ok",
                startedAt: start.addingTimeInterval(2), ttfbMs: 240, ttfaMs: 410, durationMs: 1500, textInTokens: 500,
                audioInTokens: 100, audioOutTokens: 200)),
        .toolCall(
            ToolCallRecord(
                callID: id, tool: "lookup_account", arguments: ["account": "7"], result: nil, error: "not found",
                durationMs: 9, startedAt: start.addingTimeInterval(2.5))),
        .turn(TurnRecord(callID: id, role: .bot, transcript: "hello", audioMs: 900, startedAt: start.addingTimeInterval(3), latencyMs: 520)),
        .ended(CallEnded(callID: id, at: start.addingTimeInterval(6), reason: reason)),
    ]
}
