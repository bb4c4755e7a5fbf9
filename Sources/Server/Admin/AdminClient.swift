// Server: the admin API as a client sees it — `switchboard call` asks the running `serve` to place a call with
// `POST /calls` (one SIP stack, one registration per trunk, one call log) and waits for the outcome.
import AsyncHTTPClient
import CallLog
import Foundation
import NIOCore
import NIOHTTP1

public enum AdminClient {
    /// POSTs the call to `http://<admin>/calls`; returns the HTTP status, the body, and the decoded response.
    public static func placeCall(_ request: OutboundCallRequest, admin: String, token: String?) async throws
        -> (status: Int, body: String, response: OutboundCallResponse?)
    {
        guard let (host, port) = splitHostPort(admin, defaultPort: 8089) else {
            throw ConfigurationError("admin address `\(admin)` is not host:port")
        }
        let shown = host.contains(":") ? "[\(host)]" : host
        var http = HTTPClientRequest(url: "http://\(host == "0.0.0.0" ? "127.0.0.1" : shown):\(port)/calls")
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json")
        if let token, !token.isEmpty { http.headers.add(name: "Authorization", value: "Bearer \(token)") }
        http.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(request)))
        let wait = Int64(max(1, min(request.ringTimeout ?? 30, 300)) + 30)
        let response = try await HTTPClient.shared.execute(http, timeout: .seconds(wait))
        let body = try await response.body.collect(upTo: 1 << 20)
        let text = String(buffer: body)
        let decoded = try? JSONDecoder().decode(OutboundCallResponse.self, from: Data(text.utf8))
        return (Int(response.status.code), text, decoded)
    }
}
