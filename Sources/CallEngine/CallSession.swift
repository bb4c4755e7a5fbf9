import Audio
public import Flows
public import Logging
import Synchronization

/// One call: connects the transport's media, the flow interpreter, the model, the tools, speech synthesis and
/// the call log. Transport-agnostic — the SIP bridge, the replayer and tests all drive it the same way:
/// `start()`, then `receive(_:)` for every inbound media event (one audio frame per 20 ms tick), while the
/// transport's media clock pulls outbound frames from `media.outbound`. `run(media:)` does that loop for a
/// live transport; `VirtualCallRunner` does it deterministically on a `VirtualClock`.
public actor CallSession {
    enum PlaybackKind: Equatable {
        case prompt(PromptID)
        case model(seq: Int)
    }

    struct PlaybackItem {
        var kind: PlaybackKind
        var mark: UInt64?
        var interruptible: Bool
    }

    public let info: CallInfo
    public let sampleRate: Int
    let media: any MediaOut
    let dependencies: CallDependencies
    let clock: any CallClock
    let configuration: CallSessionConfiguration
    let logger: Logger

    var interpreter: FlowInterpreter
    /// Endpointing and barge-in for this call: the configuration's, with the flow's `barge_in:` applied.
    nonisolated let turnDetection: TurnDetector.Configuration
    /// Shared with the call's media pipeline: the session's state it needs per frame, a `record` step's audio.
    public nonisolated let mediaControl = CallMediaControl()
    /// The per-frame pipeline for transports that deliver raw frames (`.audio`); live bridges and the virtual
    /// runner run their own copy on the media clock (`makeMediaPipeline`) and deliver only its events.
    var callerAudio: CallerAudioPipeline
    var listening: ListenConfig?
    var pendingEvents: [FlowEvent] = []
    var draining = false
    var started = false
    var callerGone = false

    var nextMark: UInt64 = 0
    var playing: [PlaybackItem] = []
    var timers: [FlowTimerID: Task<Void, Never>] = [:]

    var modelSeq = 0
    var modelTurn: ModelTurnState?
    var modelTask: Task<Void, Never>?
    var pendingReply: (mark: UInt64, reply: ModelReply)?
    var historyStep: String?
    var history: [ConversationItem] = []
    var lastTurn: TurnDetector.Turn?
    /// Caller turns logged so far (the index of the next one, for its transcript).
    var callerTurnsLogged = 0
    /// The index of `lastTurn` among the logged caller turns.
    var lastTurnIndex: Int?
    /// Caller transcripts that arrived, by caller-turn index (kept until the call ends; short texts).
    var callerTranscripts: [Int: String] = [:]
    /// Caller transcriptions in flight (left to finish after the call ends: the call log still takes them).
    var transcriptions: [Int: Task<Void, Never>] = [:]

    var toolCounter = 0
    /// Set by the transport (from any thread) just before it ends the call for a media reason.
    private nonisolated let transportEnding = Mutex<String?>(nil)

    /// How the flow ended; `nil` while the call runs.
    public internal(set) var outcome: FlowOutcome?
    /// What the bot said (prompts and model transcripts) and the caller's turns, in order.
    public internal(set) var transcript: [TranscriptLine] = []
    /// Steps entered, in order.
    public internal(set) var stepsVisited: [String] = []
    /// Times the caller cut the bot off.
    public internal(set) var bargeIns = 0
    /// Caller turns handed to the flow.
    public internal(set) var callerTurns = 0
    /// Audio captured by `record` steps.
    public internal(set) var recordings: [RecordedAudio] = []

    public init(
        info: CallInfo, flow: Flow, media: any MediaOut, sampleRate: Int, dependencies: CallDependencies,
        clock: any CallClock, configuration: CallSessionConfiguration = CallSessionConfiguration(),
        logger: Logger = Logger(label: "switchboard.call")
    ) {
        self.info = info
        self.sampleRate = sampleRate
        self.media = media
        self.dependencies = dependencies
        self.clock = clock
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "call"] = "\(info.callID)"
        self.logger = logger
        interpreter = FlowInterpreter(flow: flow)
        turnDetection = configuration.turnDetection.applying(flow.bargeIn)
        callerAudio = CallerAudioPipeline(
            configuration: CallerAudioPipeline.Configuration(
                sampleRate: sampleRate, turnDetection: turnDetection, inbandDTMF: configuration.inbandDTMF),
            control: mediaControl)
    }

    /// True once the flow is over (hang-up, transfer, or the caller left).
    public var isEnded: Bool { outcome != nil }

    /// Answers the call: the flow starts at its `start` step.
    public func start() async {
        guard !started else { return }
        started = true
        log(.started(callerNumber: info.callerNumber, calledNumber: info.calledNumber, flow: interpreter.flow.name))
        await feed(.callStarted(info))
    }

    /// Drives the call from a live transport until the flow ends or the media stream finishes.
    public func run(media input: any MediaIn) async {
        await start()
        for await event in input.events {
            await receive(event)
            if isEnded { break }
        }
        if !isEnded { await receive(.hangUp) }
    }

    /// Handles one inbound media event.
    public func receive(_ event: MediaInEvent) async {
        guard started, !isEnded else { return }
        switch event {
        case .audio(let frame):
            await handleFrame(frame)
        case .dtmf(let digit):
            await handleDigit(digit)
        case .hangUp:
            if let reason = transportEndReason {
                await transportEnded(reason: reason)
            } else {
                await handleCallerHangUp()
            }
        case .turn(let turn):
            await handleTurn(turn)
        case .bargeIn(let atMs):
            await handleBargeIn(atMs: atMs)
        case .speechStarted:
            // Only a flow listening for speech cares: its no-input / silence timer stops while the caller talks.
            if listening?.speech == true { await feed(.speechStarted) }
        case .playbackFinished:
            await pollPlayback()
        case .recordingEnded(let id, let reason):
            if mediaControl.recordingID == id { await finishRecording(reason) }
        }
        syncMediaControl()
    }

    /// Tells the media pipeline what it needs per frame: whether a model reply is under way and whether what
    /// plays may be cut (called after every change the session makes while handling an event).
    func syncMediaControl() {
        mediaControl.update(
            modelBusy: modelTask != nil,
            interruptible: playing.first?.interruptible ?? configuration.modelRepliesInterruptible)
    }

    /// The media clock pulled the last sample of a prompt or reply (the transport saw `marksReached` in
    /// `OutboundAudioQueue.pull`): report it now. Prompts finish, and no-input timers start, by the media
    /// clock alone — a caller who sends silence, comfort noise or no RTP at all does not hold the flow up.
    public func playbackMarksReached() async {
        guard started, !isEnded else { return }
        await pollPlayback()
        syncMediaControl()
    }

    /// Called by the transport, before the `.hangUp` it then delivers, when it ends the call itself for a
    /// media reason (`rtp_timeout`): that hang-up is ours, logged with this reason, not the caller's.
    public nonisolated func transportWillEnd(reason: String) {
        transportEnding.withLock { if $0 == nil { $0 = reason } }
    }

    /// The reason given to `transportWillEnd(reason:)`, if any (the call log's end reason).
    public nonisolated var transportEndReason: String? { transportEnding.withLock { $0 } }

    private func transportEnded(reason: String) async {
        callerGone = true
        if mediaControl.recordingID != nil { await finishRecording(.hangup) }
        _ = cancelModel(reason: reason)
        media.outbound.clear()
        playing.removeAll()
        log(.note(kind: reason, detail: "the transport ended the call: \(reason)"))
        finish(.hungUp(reason: reason))
    }

    /// Feeds an event to the interpreter and executes the resulting actions. Events raised while actions run
    /// (by other tasks or by the actions themselves) queue up and are handled in order by the one drainer.
    func feed(_ event: FlowEvent) async {
        guard !isEnded else { return }
        pendingEvents.append(event)
        guard !draining else { return }
        draining = true
        while !pendingEvents.isEmpty, !isEnded {
            let next = pendingEvents.removeFirst()
            let actions = interpreter.handle(next, at: clock.now)
            for action in actions {
                guard !isEnded else { break }
                await execute(action)
            }
        }
        pendingEvents.removeAll()
        draining = false
        syncMediaControl()
    }

    func log(_ event: CallLogEvent) {
        dependencies.log.record(CallEventRecord(callID: info.callID, at: clock.now, event: event))
    }

    func say(_ speaker: CallLogEvent.Speaker, _ text: String) {
        transcript.append(TranscriptLine(at: clock.now, speaker: speaker, text: text))
    }

    /// Ends the call's session: timers and model request cancelled, outcome logged.
    func finish(_ result: FlowOutcome) {
        guard outcome == nil else { return }
        outcome = result
        for timer in timers.values { timer.cancel() }
        timers.removeAll()

        modelTask?.cancel()
        modelTask = nil
        modelSeq += 1
        log(.ended(reason: Self.describe(result)))
        logger.info("call ended", metadata: ["outcome": "\(Self.describe(result))"])
    }

    static func describe(_ outcome: FlowOutcome) -> String {
        switch outcome {
        case .hungUp(let reason): "hung_up:\(reason)"
        case .transferred(let uri): "transferred:\(uri)"
        case .callerHungUp: "caller_hung_up"
        case .failed(let reason): "failed:\(reason)"
        }
    }
}
