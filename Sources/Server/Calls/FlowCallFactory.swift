// Server: everything one flow call needs, wired from configuration: the flow (running version), the model
// (live API or cassettes), the tools (accounts database, routes, webhooks), speech and the call log.
public import CallEngine
import CallLog
import CallWiring
import Flows
import Foundation
import Synchronization
public import Logging
public import Tools
public import SwitchboardCore

/// The shared parts of every call `serve` answers.
public struct CallServices: Sendable {
    public var configuration: SwitchboardConfiguration
    public var flows: FlowRegistry
    public var model: any ConversationModel
    public var accounts: AccountsDatabase?
    public var webhooks: WebhookCaller?
    public var synthesizer: any SpeechSynthesizer
    /// Where call records go: the writer, usually behind the admin metrics.
    public var callLog: (any CallLogSink)?
    public var session: CallSessionConfiguration
    public var logger: Logger
    /// The server's call tasks (one task group, awaited at shutdown); nil: each call runs in a task of its own.
    public var calls: CallTasks?
    /// Transcribes caller turns (off the call's critical path); nil: no caller transcripts.
    public var transcriber: (any CallerTranscriber)?

    public init(
        configuration: SwitchboardConfiguration, flows: FlowRegistry, model: any ConversationModel,
        accounts: AccountsDatabase?, webhooks: WebhookCaller?, synthesizer: any SpeechSynthesizer,
        callLog: (any CallLogSink)?, session: CallSessionConfiguration = CallSessionConfiguration(), logger: Logger,
        calls: CallTasks? = nil
    ) {
        self.configuration = configuration
        self.flows = flows
        self.model = model
        self.accounts = accounts
        self.webhooks = webhooks
        self.synthesizer = synthesizer
        self.callLog = callLog
        self.session = session
        self.logger = logger
        self.calls = calls
    }
}

/// Makes the session of one call to `callee` from `caller`, running the flow configured for `callee`.
public struct FlowCallFactory: CallSessionFactory {
    /// In the server's call task group; once that is closed (shutting down), in a task of its own.
    public func spawnCall(_ body: @escaping @Sendable () async -> Void) {
        if services.calls?.spawn(body) == true { return }
        Task { await body() }
    }

    public let services: CallServices
    public let caller: String
    public let callee: String
    public let flowPath: String
    /// The call's recorder when it is recorded (`record_dir`, `record_numbers`); set by `makeSession`.
    private let recording = RecorderSlot()
    /// The call's WAV recorder when its flow has `recording: caller_audio` or `two_sided`; set by `makeSession`.
    private let callerAudio = CallerAudioSlot()
    /// The caller's SIP display name (`caller.name`), when the INVITE's From has one.
    public internal(set) var callerName: String?
    /// The INVITE's header fields by lower-case name; the flow's declared `vars.sip_<name>` get theirs.
    public internal(set) var sipHeaders: [String: String] = [:]
    /// `inbound`, or `outbound` for calls Switchboard placed (the call log's `direction`).
    public internal(set) var direction = "inbound"
    /// Flow variables set before the flow starts (`switchboard call --vars`).
    public internal(set) var presetVars: [String: String] = [:]

    public init(services: CallServices, caller: String, callee: String, flowPath: String) {
        self.services = services
        self.caller = caller
        self.callee = callee
        self.flowPath = flowPath
    }

    /// The recorder of this factory's call, once the session exists and the call is recorded.
    public var recorder: CallRecorder? { recording.value }

    public func makeSession(callID: String, sampleRate: Int, media: any MediaOut) -> CallSession? {
        // The configuration's `routes:` may override the URI of a route the flow names (one source for routes).
        guard
            var flow = services.flows.flow(at: flowPath)?.overridingRouteTargets(services.configuration.routes)
                .fillingSIPHeaderVariables(sipHeaders)
        else { return nil }
        for (name, value) in presetVars { flow.vars[name] = .string(value) }
        let startedAt = Date()
        let info = CallInfo(
            callID: callID, callerNumber: caller, callerName: callerName, calledNumber: callee, startedAt: startedAt)
        var log: any CallEventSink = DiscardingCallEventSink()
        var onToolRecord: @Sendable (ToolCallRecord) -> Void = { _ in }
        var audioRecorder: CallerAudioRecorder?
        if flow.recording != .none {
            audioRecorder = CallerAudioRecorder(
                callID: callID, directory: services.configuration.callLog.recordingsDir, sampleRate: sampleRate,
                channels: flow.recording == .twoSided ? 2 : 1, logger: services.logger)
            callerAudio.value = audioRecorder
        }
        if let writer = services.callLog {
            writer.write(.started(CallStarted(
                callID: callID, at: startedAt, caller: caller, callee: callee, bridge: "sip", flow: flow.name,
                flowVersion: flow.version ?? "", recordCallerAudio: audioRecorder != nil,
                recordingPath: audioRecorder?.path, direction: direction)))
            let sink = CallLogWriterSink(writer: writer, callStartedAt: startedAt)
            log = sink
            onToolRecord = { sink.record($0) }
        }
        let dispatcher = ToolDispatcher.forFlow(
            flow, accounts: services.accounts, routeTargets: services.configuration.routes, webhooks: services.webhooks,
            limits: ToolDispatcher.Limits(
                maxCallsPerTurn: services.configuration.tools.maxCallsPerTurn,
                maxCallsPerCall: services.configuration.tools.maxCallsPerCall),
            logger: services.logger)
        var tools: any ToolRunner = DispatcherToolRunner(
            dispatcher: dispatcher, callID: callID, callerNumber: caller, onRecord: onToolRecord)
        var model = services.model
        let clock = RealCallClock()
        if let directory = services.configuration.recordDirectory(forDialled: callee, flowFile: flowPath) {
            let recorder = CallRecorder(
                callID: callID, caller: caller, callee: callee, startedAt: startedAt, sampleRate: sampleRate, clock: clock,
                settings: .init(directory: URL(fileURLWithPath: directory), flowPath: flowPath), logger: services.logger)
            recording.value = recorder
            log = RecordingCallEventSink(base: log, recorder: recorder)
            tools = RecordingToolRunner(base: tools, recorder: recorder)
            if let chat = model as? ChatModelConversation {
                model = RecordingChatConversation(base: chat, recorder: recorder)
            } else {
                services.logger.warning(
                    "recording a call whose model is not the HTTP client: the fixture gets no cassette",
                    metadata: ["call": "\(callID)"])
            }
        }
        // `record` steps (voicemail) write their WAV files to the call log's recordings folder.
        var sessionConfiguration = services.session
        if sessionConfiguration.recordingDirectory == nil {
            sessionConfiguration.recordingDirectory = services.configuration.callLog.recordingsDir
        }
        return CallSession(
            info: info, flow: flow, media: media, sampleRate: sampleRate,
            dependencies: CallDependencies(
                model: model, tools: tools, synthesizer: services.synthesizer, log: log,
                transcriber: services.transcriber),
            clock: clock, configuration: sessionConfiguration, logger: services.logger)
    }

    public func mediaIn(_ input: any MediaIn, callID: String) -> any MediaIn {
        let fixture = recording.value.map { recorder in TappedMediaIn(base: input) { recorder.observe($0) } } ?? input
        return callerAudio.value.map { recorder in TappedMediaIn(base: fixture) { recorder.observe($0) } } ?? fixture
    }

    public func callerAudioRecorders(callID: String) -> (fixture: CallRecorder?, wav: CallerAudioRecorder?) {
        (recording.value, callerAudio.value)
    }

    public var rtpTimeoutSeconds: Int { services.configuration.sip.rtpTimeout }

    public func sessionEnded(_ session: CallSession, callID: String) async {
        // The recording is complete on disk before the call's row says it ended.
        let audioRecorder = callerAudio.value
        await audioRecorder?.finish()
        if let writer = services.callLog {
            let outcome = await session.outcome
            writer.write(.ended(CallEnded(
                callID: callID, at: Date(),
                reason: CallEndReason(session.transportEndReason ?? outcome?.endReason ?? "caller_hangup"),
                finalRoute: outcome?.route, recordingPath: audioRecorder?.path)))
        }
        await recording.value?.finish(session)
    }
}

/// Holds the call's recorder between `makeSession` and `sessionEnded` (the factory itself is a value).
final class RecorderSlot: Sendable {
    private let box = Mutex<CallRecorder?>(nil)

    var value: CallRecorder? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }
}

/// Holds the call's caller-audio recorder between `makeSession` and `sessionEnded`.
final class CallerAudioSlot: Sendable {
    private let box = Mutex<CallerAudioRecorder?>(nil)

    var value: CallerAudioRecorder? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }
}
