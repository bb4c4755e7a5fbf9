import SwitchboardCore

extension FlowInterpreter {
    /// Resolves a route (following `overflow` when closed or already tried) to a URI.
    func resolveRoute(_ name: String, skipping tried: [String]) -> (String, String)? {
        var current: String? = name
        var seen: Set<String> = []
        while let routeName = current, let route = flow.routes[routeName], seen.insert(routeName).inserted {
            let closed = route.hours.flatMap { flow.hours[$0] }.map { !$0.isOpen(at: wallClock) } ?? false
            if !closed && !tried.contains(routeName) { return (route.uri, routeName) }
            current = route.overflow
        }
        return nil
    }

    mutating func startTransfer(_ step: TransferStep, tried: [String] = []) {
        let uri: String
        var routeName: String?
        switch step.target {
        case .uri(let template):
            uri = render(template).trimmingSpaces()
            let lower = uri.lowercased()
            guard (lower.hasPrefix("sip:") || lower.hasPrefix("sips:") || lower.hasPrefix("tel:")), !uri.contains(" ") else {
                transferFailed("`\(uri)` is not a SIP URI", step: step)
                return
            }
        case .route(let name):
            guard let (resolved, used) = resolveRoute(name, skipping: tried) else {
                let reason = tried.isEmpty ? "route \(name) is closed and has no open overflow" : "transfer to \(name) failed"
                transferFailed(reason, step: step)
                return
            }
            uri = resolved
            routeName = used
        }
        var prompt: PromptID?
        if tried.isEmpty, let announcement = step.announcement {
            prompt = play(.text(render(announcement)), interruptible: false, voice: nil)
        }
        let triedNow = tried + [routeName].compactMap { $0 }
        phase = .transferring(prompt: prompt, uri: uri, route: routeName, tried: triedNow, step: step)
        if prompt == nil { requestTransfer(uri: uri, route: routeName, step: step) }
    }

    /// Logs the transfer and asks the engine for it: a blind REFER, or an attended transfer with its whisper.
    mutating func requestTransfer(uri: String, route: String?, step: TransferStep) {
        switch step.mode {
        case .blind:
            log("transfer", detail: uri)
            output.append(.transfer(uri: uri, route: route))
        case .attended:
            log("transfer", detail: "\(uri) (attended)")
            let whisper = step.whisper.map { render($0).trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 }
            output.append(
                .attendedTransfer(
                    AttendedTransferRequest(uri: uri, route: route, whisper: whisper, answerTimeoutMs: step.answerTimeoutMs)))
        }
    }

    mutating func transferFailed(_ reason: String, step: TransferStep) {
        if let target = step.onFailure {
            log("transfer_failed", detail: reason)
            setVariable("error", .string(reason))
            enter(target)
        } else {
            fail(reason, handler: nil)
        }
    }

    mutating func handleTransfer(_ event: FlowEvent, prompt: PromptID?, uri: String, route: String?, tried: [String], step: TransferStep) {
        switch event {
        case .playbackFinished(let id) where id == prompt:
            phase = .transferring(prompt: nil, uri: uri, route: route, tried: tried, step: step)
            requestTransfer(uri: uri, route: route, step: step)
        case .transferResult(let failure) where prompt == nil:
            guard let failure else {
                finish(.transferred(uri: uri), hangUp: false)
                return
            }
            log("transfer_failed", detail: failure)
            if case .route(let name) = step.target, resolveRoute(name, skipping: tried) != nil {
                startTransfer(step, tried: tried)
            } else {
                transferFailed("transfer to \(uri) failed: \(failure)", step: step)
            }
        default:
            break
        }
    }

    mutating func startRecording(_ step: RecordStep) {
        if step.beep {
            let beep = play(.beep, interruptible: false, voice: nil)
            phase = .recording(prompt: nil, beep: beep, step: step)
            return
        }
        phase = .recording(prompt: nil, beep: nil, step: step)
        output.append(.record(RecordConfig(maxSeconds: step.maxSeconds, silenceTimeoutMs: step.silenceTimeoutMs, terminator: step.terminator)))
    }

    mutating func handleRecord(_ event: FlowEvent, prompt: PromptID?, beep: PromptID?, step: RecordStep) {
        switch event {
        case .playbackFinished(let id) where id == prompt:
            startRecording(step)
        case .playbackFinished(let id) where id == beep:
            phase = .recording(prompt: nil, beep: nil, step: step)
            output.append(.record(RecordConfig(maxSeconds: step.maxSeconds, silenceTimeoutMs: step.silenceTimeoutMs, terminator: step.terminator)))
        case .recordFinished(let recording) where prompt == nil && beep == nil:
            log("recorded", detail: "\(recording.durationMs) ms, ended by \(recording.endedBy.rawValue)")
            let value = JSONValue.object([
                "file": .string(recording.reference), "duration_ms": .number(Double(recording.durationMs)),
                "ended_by": .string(recording.endedBy.rawValue),
            ])
            setVariable(step.store ?? "recording", value)
            enter(step.next)
        default:
            break
        }
    }
}
