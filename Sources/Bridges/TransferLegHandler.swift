// Bridges: the media of an attended transfer's call to the target: plays the whisper once the target answers
// and says when it has been heard (queue drained, plus a short pause); afterwards silence, or the caller's
// audio once the legs are bridged (the session's relay does that).
import Audio
import SwitchboardCore

final class TransferLegHandler: CallMediaHandler {
    private let whisper: [Int16]
    private let whisperRate: Int
    private let whisperDone: @Sendable () -> Void
    private var started = false
    private var reported = false
    /// Ticks since the queue ran dry (a short pause after the whisper before the REFER).
    private var quietTicks = 0
    static let pauseTicks = 10

    init(whisper: [Int16], whisperRate: Int, whisperDone: @escaping @Sendable () -> Void) {
        self.whisper = whisper
        self.whisperRate = whisperRate
        self.whisperDone = whisperDone
    }

    func callStarted(_ session: CallMediaSession) {
        started = true
        let rate = session.media?.pcmRate ?? 8000
        let samples = rate == whisperRate ? whisper : ((try? Resampler.resample(whisper, from: whisperRate, to: rate)) ?? [])
        session.enqueue(samples)
    }

    func mediaReceived(_ samples: UnsafeBufferPointer<Int16>, sampleRate: Int, session: CallMediaSession) {
        guard started, !reported, !session.isRelaying else { return }
        if session.queuedSamples > 0 {
            quietTicks = 0
            return
        }
        quietTicks += 1
        if quietTicks >= Self.pauseTicks {
            reported = true
            whisperDone()
        }
    }
}
