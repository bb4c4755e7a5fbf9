// Audio: the media building blocks of a telephony service — PCM frames and a 20 ms framer, G.711 µ-law/A-law,
// Opus (libopus), streaming resampling (libspeexdsp), WAV read/write, Goertzel DTMF detection and generation,
// voice activity detection with endpointing, tone and silence generators.
// Pure: no sockets, no clock reads; the only I/O is the WAV file read/write helpers.
// May import: Foundation, COpus, CSpeexDSP.

/// Sample rates the telephony path uses.
public enum TelephonyRate {
    public static let narrowband = 8000
    public static let wideband = 16000
    public static let modelOutput = 24000
    public static let opus = 48000
    public static let all = [8000, 16000, 24000, 48000]
}
