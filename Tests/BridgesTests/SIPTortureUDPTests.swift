import Bridges
import Foundation
import Logging
import Testing
import SwitchboardTestKit

/// RFC 4475 over real UDP: every torture message (the files in Tests/SIPTests/rfc4475, byte for byte) is
/// sent as one datagram to a running SIP server on 127.0.0.1, each from a socket of its own, and what comes
/// back is checked against MANIFEST.tsv. Afterwards the server still answers OPTIONS and its counters show
/// the dropped and rejected messages.
@Suite("SIP RFC 4475 over UDP (real sockets)", .tags(.integration), .serialized)
struct SIPTortureUDPTests {
    struct Row: Sendable, CustomStringConvertible {
        let file: String
        let kind: String
        let what: String
        var description: String { file }
    }

    enum Expected: Equatable {
        case accept
        case reply(Int)
        case drop
    }

    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SIPTests/rfc4475")
    }

    static func rows() throws -> [Row] {
        let text = try String(contentsOf: folder.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let c = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return c.count == 4 ? Row(file: c[0], kind: c[2], what: c[3]) : nil
        }
    }

    /// The same reading of the manifest as Tests/SIPTests/RFC4475Tests.swift.
    static func expected(_ row: Row) -> Expected {
        let what = row.what
        if what.hasPrefix("drop") { return .drop }
        for code in [505, 416, 420, 415, 406, 405] where what.contains(String(code)) { return .reply(code) }
        if what.hasPrefix("reject (400)") || what.hasPrefix("400") { return .reply(400) }
        return .accept
    }

    /// Starts a server whose every call is rejected with 486 (valid torture INVITEs start no media).
    static func startServer() async throws -> SIPServer {
        var logger = Logger(label: "test.sip.torture")
        logger.logLevel = .critical
        let base = UInt16.random(in: 21000...59000) & ~1
        return try await SIPServer.start(
            configuration: .init(
                host: "127.0.0.1", port: 0, media: .init(bindHost: "127.0.0.1", portRange: base...(base + 99)),
                bridge: .init(codecs: [.pcmu, .pcma, .opus], route: { (_: String) in .reject(486) })),
            logger: logger)
    }

    static func status(_ text: String) -> Int? {
        guard text.hasPrefix("SIP/2.0 ") else { return nil }
        return Int(text.dropFirst(8).prefix(3))
    }

    /// ACK for a non-2xx final response to an INVITE (same branch as the INVITE, To from the response), so the
    /// server's INVITE transaction completes instead of retransmitting.
    static func ack(for response: String, requestLine: String) -> String {
        let lines = response.components(separatedBy: "\r\n")
        func header(_ name: String) -> String? {
            lines.first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
        }
        let uri = requestLine.split(separator: " ").dropFirst().first.map(String.init) ?? "sip:user@example.com"
        let cseq = header("CSeq").flatMap { $0.split(separator: ":", maxSplits: 1).last }?
            .trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? "1"
        return ["ACK \(uri) SIP/2.0", header("Via") ?? "", header("From") ?? "", header("To") ?? "",
                header("Call-ID") ?? "", "CSeq: \(cseq) ACK", "Max-Forwards: 70", "Content-Length: 0", "", ""]
            .joined(separator: "\r\n")
    }

    @Test func everyTortureMessageOverUDP() async throws {
        let server = try await Self.startServer()
        let port = try #require(server.localAddress.port)
        let rows = try Self.rows()
        #expect(rows.count == 49)
        var failures: [String] = []
        var dropRows = 0
        var rejectedRows = 0
        for row in rows {
            let bytes = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(row.file)))
            let socket = try UDPTestSocket(receiveTimeoutMs: 100)
            socket.send(bytes, to: port)
            let requestLine = String(decoding: bytes.prefix(200), as: UTF8.self).components(separatedBy: "\r\n")[0]
            let isResponse = requestLine.hasPrefix("SIP/")
            switch Self.expected(row) {
            case .drop:
                dropRows += 1
                if let got = socket.receive(until: 0.4, where: { _ in true }) {
                    failures.append("\(row.file): expected no answer, got \(got.prefix(40))")
                }
            case .reply(let code):
                rejectedRows += 1
                let got = socket.receive(until: 3) { Self.status($0) != nil }
                if got.flatMap(Self.status) != code {
                    failures.append("\(row.file): expected \(code), got \(got?.prefix(40) ?? "nothing")")
                }
            case .accept where isResponse:
                // A valid response matching no transaction of ours: absorbed, not answered.
                if let got = socket.receive(until: 0.4, where: { _ in true }) {
                    failures.append("\(row.file): response answered with \(got.prefix(40))")
                }
            case .accept:
                let method = requestLine.split(separator: " ").first.map(String.init) ?? ""
                // Wait for a final response (100 Trying may come first for INVITE).
                let final = socket.receive(until: 3) { (Self.status($0) ?? 0) >= 200 }
                let code = final.flatMap(Self.status)
                switch method {
                case "OPTIONS": if code != 200 { failures.append("\(row.file): OPTIONS got \(code.map(String.init) ?? "nothing")") }
                case "INVITE":
                    // 486 from the route, 488 no common codec, 481 for an INVITE with a To-tag of no dialog.
                    guard let code, let final, [481, 486, 488].contains(code) else {
                        failures.append("\(row.file): INVITE got \(final?.prefix(40) ?? "nothing")")
                        break
                    }
                    socket.send(Self.ack(for: final, requestLine: requestLine), to: port)
                default:
                    // REGISTER, MESSAGE and unknown methods: 405 with Allow (we are no registrar).
                    if code != 405 || final?.contains("\r\nAllow:") != true {
                        failures.append("\(row.file): \(method.prefix(20)) got \(final?.prefix(40) ?? "nothing")")
                    }
                }
            }
        }
        // Not disturbed: a plain OPTIONS is still answered with 200 and the capability headers.
        let probe = try UDPTestSocket(receiveTimeoutMs: 100)
        let options = [
            "OPTIONS sip:echo@127.0.0.1:\(port) SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:\(probe.port);branch=z9hG4bK-probe",
            "From: <sip:probe@127.0.0.1>;tag=p1", "To: <sip:echo@127.0.0.1>", "Call-ID: probe-\(UUID().uuidString)",
            "CSeq: 1 OPTIONS", "Max-Forwards: 70", "Content-Length: 0", "", "",
        ].joined(separator: "\r\n")
        probe.send(options, to: port)
        let answer = probe.receive(until: 3) { $0.hasPrefix("SIP/2.0 ") }
        try await Task.sleep(for: .milliseconds(100))
        let stats = try await server.bridge.currentStatistics().get()
        await server.stop()

        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(answer?.hasPrefix("SIP/2.0 200") == true)
        #expect(answer?.contains("Allow:") == true)
        #expect(stats.datagramsReceived >= UInt64(rows.count + 1))
        // Every drop row plus the two stray responses (unreason, noreason) were counted as dropped.
        #expect(stats.dropped >= UInt64(dropRows + 2), "\(stats)")
        #expect(stats.badInput("invalid_response") >= 3, "\(stats)")
        #expect(stats.rejectedAnswered >= UInt64(rejectedRows), "\(stats)")
        #expect(stats.badInput("malformed") + stats.badInput("content_length") >= 10, "\(stats)")
        #expect(stats.badInput("unsupported") >= 6, "\(stats)")
        #expect(stats.badRequestsAnswered >= 10)
        #expect(stats.activeCalls == 0)
    }
}
