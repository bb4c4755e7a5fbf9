import Audio
public import Logging
import NIOCore

/// The built-in call handlers chosen by the dialled user part (they stay as diagnostics):
/// `echo` returns the caller's audio, `tone` plays 440 Hz and hangs up after 3 s, `dtmf` logs digits,
/// `transfer` answers and REFERs the caller to `sip:human@127.0.0.1` after 1 s, `ring` rings 3 s then echoes.
public enum DiagnosticHandlers {
    /// Route for `user`, or nil when it is not a diagnostic number.
    public static func route(
        user: String, logger: Logger, onDigit: (@Sendable (String, Character, DTMFSource) -> Void)? = nil
    ) -> SIPBridge.CallRoute? {
        switch user {
        case "echo": .answer(ringFor: nil, handler: { EchoHandler() })
        case "ring": .answer(ringFor: .seconds(3), handler: { EchoHandler() })
        case "tone": .answer(ringFor: nil, handler: { ToneHandler(frequency: 440, seconds: 3) })
        case "dtmf": .answer(ringFor: nil, handler: { DTMFLogHandler(logger: logger, onDigit: onDigit) })
        case "transfer":
            .answer(ringFor: nil, handler: { TransferHandler(target: "sip:human@127.0.0.1", afterTicks: 50) })
        default: nil
        }
    }
}

/// Sends back what it hears, frame for frame (the same tick, so no added delay beyond the jitter buffer).
public final class EchoHandler: CallMediaHandler {
    public init() {}
    public func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        session.enqueue(samples)
    }
}

/// Plays a sine, then hangs up (BYE) when it has been played.
public final class ToneHandler: CallMediaHandler {
    let frequency: Double
    let ticks: Int
    private var tick = 0

    public init(frequency: Double, seconds: Int) {
        self.frequency = frequency
        ticks = seconds * 50
    }

    public func callStarted(_ session: CallMediaSession) {
        let rate = session.media?.pcmRate ?? 8000
        session.enqueue(
            ToneGenerator.sine(
                frequency: frequency, amplitude: ToneGenerator.amplitude(dBm0: -10), durationMs: ticks * 20,
                sampleRate: rate))
    }

    public func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        tick += 1
        if tick == ticks + 1 { session.hangUp() }
    }
}

/// Plays nothing; logs every digit with its source (RFC 4733, INFO or in-band).
public final class DTMFLogHandler: CallMediaHandler {
    let logger: Logger
    let onDigit: (@Sendable (String, Character, DTMFSource) -> Void)?

    public init(logger: Logger, onDigit: (@Sendable (String, Character, DTMFSource) -> Void)? = nil) {
        self.logger = logger
        self.onDigit = onDigit
    }

    public func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {}

    public func digitReceived(_ digit: Character, source: DTMFSource, session: CallMediaSession) {
        logger.info("DTMF digit", metadata: ["call": "\(session.callID)", "digit": "\(digit)", "source": "\(source)"])
        onDigit?(session.callID, digit, source)
    }
}

/// Answers, waits, then blind-transfers the caller with REFER.
public final class TransferHandler: CallMediaHandler {
    let target: String
    let afterTicks: Int
    private var tick = 0

    public init(target: String, afterTicks: Int) {
        self.target = target
        self.afterTicks = afterTicks
    }

    public func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        tick += 1
        if tick == afterTicks { session.transfer(to: target) }
    }
}
