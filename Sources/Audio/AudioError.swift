/// The one error type of the `Audio` module: an opaque code and a message a person can act on.
public struct AudioError: Error, Equatable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        public var description: String { raw }

        /// The file does not start with `RIFF`…`WAVE`.
        public static let wavBadMagic = Code(raw: "wav.bad_magic")
        /// A chunk header or a chunk's body is cut short.
        public static let wavTruncated = Code(raw: "wav.truncated")
        /// The `fmt ` chunk is missing or its fields are inconsistent.
        public static let wavBadFormat = Code(raw: "wav.bad_format")
        /// The format is valid WAV but not one we read (e.g. 24-bit, float, ADPCM).
        public static let wavUnsupported = Code(raw: "wav.unsupported")
        /// No `data` chunk.
        public static let wavNoData = Code(raw: "wav.no_data")
        /// A libopus call failed.
        public static let opus = Code(raw: "opus")
        /// A libspeexdsp resampler call failed.
        public static let resampler = Code(raw: "resampler")
        /// An argument is out of range (sample rate, frame size, …).
        public static let invalidArgument = Code(raw: "invalid_argument")
        /// Reading or writing a file failed.
        public static let io = Code(raw: "io")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
