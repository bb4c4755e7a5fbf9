// The one sipp runner of the tests (Debian's sip-tester): runs sipp to the end on a thread of its own, bounded
// by sipp's own `-timeout`, in a folder of its own, and hands back its exit status, its output (with its error
// file) and its message trace (`-trace_msg`). Scenarios live in deploy/sipp.
public import Foundation

/// What one sipp run left: exit status 0 means every call of the scenario completed.
public struct SIPpResult: Sendable {
    public var status: Int32
    /// stdout and stderr, then any `*_errors.log` sipp wrote (`-trace_err`).
    public var output: String
    /// Any `*_messages.log` sipp wrote (`-trace_msg`), else empty.
    public var trace: String
}

public enum SIPp {
    public static let path = RequiredPeer.sipp.path

    /// deploy/sipp in this checkout.
    public static var scenarioFolder: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("deploy/sipp")
    }

    /// The path of deploy/sipp/`name`.
    public static func scenario(_ name: String) -> String { scenarioFolder.appendingPathComponent(name).path }

    /// Runs sipp with `arguments` plus `-nostdin -timeout <timeout>s -timeout_error` in `folder` (created if
    /// missing; a fresh temporary folder when nil). The blocking pipe read and wait happen on a thread of their
    /// own: on a 2-core machine the cooperative pool has two threads, and holding one for a whole sipp run
    /// starved the in-process server side of the test (unanswered INVITEs, seen once in a fresh-clone run).
    /// `killAfter`: seconds after which a sipp still running is terminated (a UAS waiting for a call that
    /// never came outlives its `-timeout`).
    public static func run(
        _ arguments: [String], in folder: URL? = nil, timeout: Int = 30, killAfter: Double? = nil
    ) async throws -> SIPpResult {
        try RequiredPeer.require([.sipp])
        let dir = folder ?? FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var all = arguments + ["-nostdin", "-timeout", "\(timeout)s", "-timeout_error"]
        // A media port taken between choosing it and sipp binding it (another process on a loaded machine) makes
        // sipp exit 254 at once with "Unable to bind audio RTP socket": run again on a fresh `-mp` port. The server
        // under test learns the media port from the SDP, so nothing else changes.
        var attempt = 0
        while true {
            let arguments = all
            let result = try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(with: Result { try runBlocking(arguments, in: dir, killAfter: killAfter) })
                }
            }
            attempt += 1
            guard attempt < 3, result.status == 254, result.output.contains("Unable to bind"),
                result.output.contains("RTP socket"), let index = all.firstIndex(of: "-mp"), index + 1 < all.count
            else { return result }
            all[index + 1] = "\(try UDPTestSocket.freeMediaPort())"
        }
    }

    private static func runBlocking(_ arguments: [String], in dir: URL, killAfter: Double? = nil) throws -> SIPpResult {
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = dir
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        if let killAfter {
            DispatchQueue.global().asyncAfter(deadline: .now() + killAfter) { if process.isRunning { process.terminate() } }
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
        func contents(_ suffix: String) -> String {
            files.filter { $0.hasSuffix(suffix) && !before.contains($0) }.compactMap {
                try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)
            }.joined()
        }
        // An error file named with `-error_file` is not "new" when reused; read it by its name too.
        var errors = contents("_errors.log")
        if let index = arguments.firstIndex(of: "-error_file"), index + 1 < arguments.count {
            errors += (try? String(contentsOfFile: arguments[index + 1], encoding: .utf8)) ?? ""
        }
        return SIPpResult(
            status: process.terminationStatus, output: String(decoding: data, as: UTF8.self) + errors,
            trace: contents("_messages.log"))
    }
}
