// Server/Recording: the ended call turned into a fixture folder — caller track, DTMF, hang-up, cassette,
// tool results, and the observed outcome as the `expect:` block (read exactly as the replayer reads it).
public import CallEngine
import Flows
public import Foundation
import Logging
import ModelClient
import Replay

extension CallRecorder {
    /// Response headers worth keeping: what the replay reads. Anything else (organisation ids, cookies) is
    /// never written.
    static let keptHeaders: Set<String> = ["content-type", "retry-after", "retry-after-ms", "x-should-retry"]

    /// Waits (briefly) for model attempts cut off by the end of the call, then writes the fixture. Returns its
    /// folder; nil when this call was already written or the folder could not be written (logged).
    @discardableResult
    public func finish(_ session: CallSession) async -> URL? {
        let deadline = ContinuousClock.now + .seconds(2)
        while openExchanges > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let snapshot: State? = state.withLock { state in
            guard !state.written else { return nil }
            state.written = true
            return state
        }
        guard let snapshot else { return nil }
        defer { Self.fixtureDone() }
        let outcome = await session.outcome
        var recording = FixtureRecording(
            document: document(snapshot, callerHungUp: outcome == .callerHungUp), callerAudio: snapshot.samples,
            sampleRate: sampleRate, callerTiming: snapshot.timing, exchanges: snapshot.order.compactMap { snapshot.exchanges[$0] }.map(Self.exchange),
            tools: snapshot.tools)
        let observed = await ObservedCall.observe(
            session, events: snapshot.toolEvents, modelToolCalls: recording.cassette.modelToolCalls())
        recording.document.expect = FixtureExpectation(recording: observed, redactor: settings.redactor)
        do {
            try FileManager.default.createDirectory(at: settings.directory, withIntermediateDirectories: true)
            let folder = try recording.write(into: settings.directory)
            logger.info("call recorded as a fixture", metadata: ["call": "\(callID)", "fixture": "\(folder.path)"])
            return folder
        } catch {
            logger.error("cannot write the call's fixture", metadata: ["call": "\(callID)", "error": "\(error)"])
            return nil
        }
    }

    func document(_ state: State, callerHungUp: Bool) -> Fixture.Document {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = formatter.string(from: startedAt)
        let shortID = String(callID.filter { $0.isLetter || $0.isNumber }.prefix(8))
        let folder = settings.directory.appendingPathComponent("call")
        return Fixture.Document(
            name: "\(stamp)-\(caller)-\(shortID)",
            description: "Call from \(caller) to \(callee), recorded live by `switchboard serve --record`.",
            flow: Self.relativePath(from: folder, to: settings.flowPath),
            call: .init(caller: caller, callee: callee, startedAt: startedAt, sampleRate: sampleRate),
            callerAudio: "caller.wav", callerAudioFromMs: (state.firstFrameMs ?? 0) > 0 ? state.firstFrameMs : nil,
            dtmf: state.dtmf.isEmpty ? nil : state.dtmf,
            hangupAtMs: callerHungUp ? (state.hangupAtMs ?? state.lastFrameEndMs) : nil,
            transfers: state.transfers.isEmpty ? nil : state.transfers,
            tools: .init(mode: .recorded))
    }

    /// One attempt as a cassette entry. An attempt that went silent (idle or first-byte timeout) or was cut
    /// off (barge-in, hang-up) is a stall: its chunks, then nothing, so the replay ends it the same way.
    static func exchange(_ recorded: Exchange) -> FixtureRecording.Exchange {
        let stalls: Bool
        switch recorded.outcome {
        case .completed: stalls = false
        case .cancelled, nil: stalls = true
        case .failed(let error): stalls = error.code == .idleTimeout || error.code == .firstByteTimeout
        }
        var headers: [String: String] = [:]
        for header in recorded.headers where keptHeaders.contains(header.name.lowercased()) {
            headers[header.name.lowercased()] = header.value
        }
        // No response head: a silent attempt replays as a stall from the start; a refused one as status 0.
        let status = recorded.status ?? (stalls ? 200 : 0)
        return FixtureRecording.Exchange(
            requestBody: recorded.requestBody,
            response: CassetteResponse(
                status: status, headers: headers, body: recorded.body, chunks: recorded.chunks, stalls: stalls))
    }

    /// `target` relative to the folder `from` (both made absolute against the working directory), or
    /// `target` absolute when they share nothing but the root.
    static func relativePath(from folder: URL, to target: String) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let targetURL = (target.hasPrefix("/") ? URL(fileURLWithPath: target) : cwd.appendingPathComponent(target))
            .standardizedFileURL
        let base = (folder.path.hasPrefix("/") ? folder : cwd.appendingPathComponent(folder.path)).standardizedFileURL
        let from = base.pathComponents
        let to = targetURL.pathComponents
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        guard common > 1 else { return targetURL.path }
        return (Array(repeating: "..", count: from.count - common) + to[common...]).joined(separator: "/")
    }
}
