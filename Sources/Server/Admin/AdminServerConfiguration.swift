// Where the admin HTTP API listens and how it is protected. Loopback by default; any other address requires a
// bearer token (`AdminServer.init` refuses to start without one).

public struct AdminServerConfiguration: Sendable, Hashable {
    public var host: String
    /// 0 picks a free port (see `AdminServer.listeningPort()`).
    public var port: Int
    /// Required on `/metrics`, `/calls…` and `/flows/reload` when set; `/healthz` and `/readyz` stay open.
    public var bearerToken: String?

    public static let minimumTokenLength = 16

    public init(host: String = "127.0.0.1", port: Int = 8089, bearerToken: String? = nil) {
        self.host = host
        self.port = port
        self.bearerToken = bearerToken
    }

    /// Parses `host:port`, `[v6]:port` or `:port` (loopback).
    public init(listen: String, bearerToken: String? = nil) throws {
        var host = "127.0.0.1"
        var portText = listen
        if listen.hasPrefix("["), let close = listen.firstIndex(of: "]") {
            host = String(listen[listen.index(after: listen.startIndex)..<close])
            portText = String(listen[listen.index(after: close)...].dropFirst())
        } else if let colon = listen.lastIndex(of: ":") {
            let head = String(listen[..<colon])
            if !head.isEmpty { host = head }
            portText = String(listen[listen.index(after: colon)...])
        }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw AdminServerError(code: .badListenAddress, message: "admin listen address '\(listen)' is not host:port")
        }
        self.init(host: host, port: port, bearerToken: bearerToken)
    }

    public var isLoopback: Bool {
        let lowered = host.lowercased()
        return lowered == "localhost" || lowered == "::1" || lowered.hasPrefix("127.")
    }

    /// Throws when bound beyond loopback without a usable token.
    public func validate() throws {
        let token = bearerToken ?? ""
        if !isLoopback && token.count < Self.minimumTokenLength {
            throw AdminServerError(
                code: .tokenRequired,
                message: token.isEmpty
                    ? "the admin API on \(host) is reachable from other machines: set a bearer token (SWITCHBOARD_ADMIN_TOKEN) or bind 127.0.0.1"
                    : "the admin bearer token must be at least \(Self.minimumTokenLength) characters when bound to \(host)"
            )
        }
    }
}

public struct AdminServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable {
        let name: String
        public static let tokenRequired = Code(name: "tokenRequired")
        public static let badListenAddress = Code(name: "badListenAddress")
    }

    public let code: Code
    public let message: String
    public var description: String { message }
}
