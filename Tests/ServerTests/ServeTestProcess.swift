// A `switchboard serve` child process for tests: started from the built executable, its stdout read on a
// thread of its own, always bounded (a watchdog SIGKILLs it after `limit`), and killed by `cleanup()`.
import AsyncHTTPClient
import Foundation
import SwitchboardTestKit
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct ServeTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

final class ServeTestProcess: Sendable {
    let pid: Int32
    let stderrPath: String
    private let process: Process
    private let output = ChildOutput()
    private let watchdog: Task<Void, Never>

    /// The environment of this test process without anything that would change what `serve` does
    /// (SWITCHBOARD_* overrides, a real model API key or base URL).
    static func cleanEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("SWITCHBOARD_") && !key.hasPrefix("OPENAI_")
        }
    }

    init(
        binary: URL, arguments: [String], directory: URL, stderrPath: String, limit: Duration,
        environment: [String: String] = ServeTestProcess.cleanEnvironment()
    ) throws {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
        self.process = process
        self.stderrPath = stderrPath
        let pid = process.processIdentifier
        self.pid = pid
        let handle = pipe.fileHandleForReading
        let output = self.output
        Thread.detachNewThread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty {
                    output.state.withLock { $0.finished = true }
                    return
                }
                output.state.withLock { $0.text += String(decoding: chunk, as: UTF8.self) }
            }
        }
        // Never let a stuck child outlive its test.
        watchdog = Task.detached {
            try? await Task.sleep(for: limit)
            if !Task.isCancelled && process.isRunning { kill(pid, SIGKILL) }
        }
    }

    var isRunning: Bool { process.isRunning }
    var stdout: String { output.state.withLock { $0.text } }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// The first stdout line starting with `prefix`, waiting at most `timeout`. Throws (with the child's stderr)
    /// when the child exits or the time runs out first.
    func line(startingWith prefix: String, timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (text, finished) = output.state.withLock { ($0.text, $0.finished) }
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            if finished {
                throw ServeTestError("serve exited before printing '\(prefix)…'; stderr:\n\(stderr.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeTestError("serve did not print '\(prefix)…' within \(timeout); stdout: \(stdout) stderr:\n\(stderr.suffix(3000))")
    }

    /// The port at the end of a line such as `listening on sip:127.0.0.1:5080 (udp)` or `admin on http://127.0.0.1:8089`.
    static func port(in line: String) -> Int? {
        let digits = line.split(whereSeparator: { !$0.isNumber }).last
        return digits.flatMap { Int($0) }
    }

    /// SIGKILL now and wait for the process to be gone.
    func killNine() async {
        if process.isRunning { kill(pid, SIGKILL) }
        await waitForExit(limit: .seconds(10))
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`. True when it exited on its own.
    @discardableResult
    func terminate(grace: Duration = .seconds(10)) async -> Bool {
        guard process.isRunning else { return true }
        kill(pid, SIGTERM)
        if await waitForExit(limit: grace) { return true }
        await killNine()
        return false
    }

    @discardableResult
    func waitForExit(limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !process.isRunning
    }

    var terminationSignal: Int32? {
        guard !process.isRunning, process.terminationReason == .uncaughtSignal else { return nil }
        return process.terminationStatus
    }

    var exitStatus: Int32? {
        guard !process.isRunning, process.terminationReason == .exit else { return nil }
        return process.terminationStatus
    }

    /// Runs the executable to its end (at most `limit`): exit status (nil when killed), stdout, stderr.
    static func run(binary: URL, _ arguments: [String], in folder: TempFolder, limit: Duration = .seconds(20)) async throws
        -> (status: Int32?, stdout: String, stderr: String)
    {
        let child = try ServeTestProcess(
            binary: binary, arguments: arguments, directory: folder.url,
            stderrPath: folder.path("run-\(UUID().uuidString).stderr"), limit: limit)
        defer { child.cleanup() }
        await child.waitForExit(limit: limit)
        // The reader thread sees EOF right after the exit.
        let deadline = ContinuousClock.now + .seconds(2)
        while !child.output.state.withLock({ $0.finished }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return (child.exitStatus, child.stdout, child.stderr)
    }

    /// Kills the child if it still runs and stops the watchdog. Safe to call more than once.
    func cleanup() {
        if process.isRunning { kill(pid, SIGKILL) }
        watchdog.cancel()
    }

}

/// What the child printed so far (filled by the reader thread).
final class ChildOutput: Sendable {
    let state = Mutex<(text: String, finished: Bool)>(("", false))
}

/// A real HTTP client for the admin API of a server running elsewhere (another process).
struct AdminHTTPClient {
    let port: Int

    func request(_ path: String, method: HTTPMethod = .GET, token: String? = nil) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        return HTTPResult(
            status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) },
            body: String(buffer: body))
    }
}
