import Audio
import CEspeakNG
import Foundation
import Synchronization

/// Speech from espeak-ng through libespeak-ng, so menus work offline. libespeak-ng keeps global state and is
/// not thread-safe: every call into it holds one process-wide lock. Output is produced at espeak's native
/// rate (22050 Hz) and resampled once to the requested rate.
public struct EspeakSynthesizer: SpeechSynthesizer {
    /// The voice used when none is given or the given one is unknown.
    public var defaultVoice: String

    public init(defaultVoice: String = "en-us") {
        self.defaultVoice = defaultVoice
    }

    public func synthesize(text: String, voice: String?, rate: Int, sampleRate: Int) async throws(SpeechError) -> SpeechAudio {
        let native = try EspeakEngine.shared.speak(text: text, voice: voice ?? defaultVoice, fallbackVoice: defaultVoice, rate: rate)
        guard native.sampleRate != sampleRate else { return native }
        do {
            let samples = try Resampler.resample(native.samples, from: native.sampleRate, to: sampleRate)
            return SpeechAudio(samples: samples, sampleRate: sampleRate)
        } catch {
            throw SpeechError(code: "resample_failed", message: "cannot resample espeak output to \(sampleRate) Hz: \(error)")
        }
    }
}

/// The one libespeak-ng instance of the process.
final class EspeakEngine: Sendable {
    static let shared = EspeakEngine()

    private struct State {
        var sampleRate: Int32 = 0
        var currentVoice: String?
    }

    private let state = Mutex(State())

    /// Collects the samples of one `espeak_Synth` call (passed through `user_data`).
    private final class Collector {
        var samples: [Int16] = []
    }

    func speak(text: String, voice: String, fallbackVoice: String, rate: Int) throws(SpeechError) -> SpeechAudio {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return try state.withLock { (state: inout State) throws(SpeechError) -> SpeechAudio in
            if state.sampleRate <= 0 {
                let rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, nil, Int32(espeakINITIALIZE_DONT_EXIT))
                guard rate > 0 else {
                    throw SpeechError(code: "espeak_init_failed", message: "libespeak-ng could not start (espeak-ng-data missing?)")
                }
                state.sampleRate = rate
                espeak_SetSynthCallback { samples, count, events in
                    guard let events, let user = events.pointee.user_data else { return 0 }
                    let collector = Unmanaged<Collector>.fromOpaque(user).takeUnretainedValue()
                    if let samples, count > 0 {
                        collector.samples.append(contentsOf: UnsafeBufferPointer(start: samples, count: Int(count)))
                    }
                    return 0
                }
            }
            if state.currentVoice != voice {
                if espeak_SetVoiceByName(voice) != EE_OK {
                    guard espeak_SetVoiceByName(fallbackVoice) == EE_OK else {
                        throw SpeechError(code: "unknown_voice", message: "espeak-ng has no voice \"\(voice)\"")
                    }
                }
                state.currentVoice = voice
            }
            let wpm = min(max(rate, Int(espeakRATE_MINIMUM)), Int(espeakRATE_MAXIMUM))
            espeak_SetParameter(espeakRATE, Int32(wpm), 0)
            let collector = Collector()
            guard !trimmed.isEmpty else { return SpeechAudio(samples: [], sampleRate: Int(state.sampleRate)) }
            let unmanaged = Unmanaged.passRetained(collector)
            defer { unmanaged.release() }
            let result = trimmed.withCString { pointer in
                espeak_Synth(
                    pointer, strlen(pointer) + 1, 0, POS_CHARACTER, 0,
                    UInt32(espeakCHARS_UTF8), nil, unmanaged.toOpaque()
                )
            }
            guard result == EE_OK else {
                throw SpeechError(code: "espeak_failed", message: "espeak-ng could not synthesize the prompt (error \(result.rawValue))")
            }
            return SpeechAudio(samples: collector.samples, sampleRate: Int(state.sampleRate))
        }
    }
}
