import COpus

/// Opus (RFC 6716) through libopus. `Opus.Encoder` and `Opus.Decoder` work on 20 ms frames of 16-bit PCM,
/// 48 kHz by default (the RTP clock of RFC 7587); the decoder can also output 8, 12, 16 or 24 kHz.
public enum Opus {
    public enum Application: Sendable {
        /// Best for speech (the telephony default).
        case voip
        /// Best for music / mixed content.
        case audio
        /// Lowest delay.
        case restrictedLowDelay

        var raw: Int32 {
            switch self {
            case .voip: OPUS_APPLICATION_VOIP
            case .audio: OPUS_APPLICATION_AUDIO
            case .restrictedLowDelay: OPUS_APPLICATION_RESTRICTED_LOWDELAY
            }
        }
    }

    /// Sample rates libopus accepts.
    public static let supportedRates = [8000, 12000, 16000, 24000, 48000]

    /// Largest packet we ask libopus to write (RFC 6716 caps one frame at 1275 bytes).
    public static let maxPacketSize = 1500

    /// The libopus version string, e.g. "libopus 1.3.1".
    public static var version: String { String(cString: opus_get_version_string()) }

    static func check(_ result: Int32, _ what: String) throws(AudioError) {
        if result < 0 { throw error(result, what) }
    }

    static func error(_ code: Int32, _ what: String) -> AudioError {
        AudioError(.opus, "\(what): \(String(cString: opus_strerror(code))) (\(code))")
    }

    static func validate(sampleRate: Int, channels: Int) throws(AudioError) {
        guard supportedRates.contains(sampleRate) else {
            throw AudioError(.invalidArgument, "Opus sample rate \(sampleRate) Hz unsupported (use \(supportedRates))")
        }
        guard channels == 1 || channels == 2 else {
            throw AudioError(.invalidArgument, "Opus channel count \(channels) unsupported (use 1 or 2)")
        }
    }
}
