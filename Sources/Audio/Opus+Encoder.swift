import COpus

extension Opus {
    /// An Opus encoder: one 20 ms frame in, one packet out. Bitrate, complexity, in-band FEC and DTX are
    /// settable at any time. Not thread-safe; owned by one call's media path.
    public final class Encoder {
        public let sampleRate: Int
        public let channels: Int
        /// Samples per channel in one 20 ms frame.
        public let frameSize: Int
        private let state: OpaquePointer
        private var scratch = [UInt8](repeating: 0, count: Opus.maxPacketSize)

        public init(
            sampleRate: Int = 48000, channels: Int = 1, application: Application = .voip,
            bitrate: Int? = nil, complexity: Int = 5
        ) throws(AudioError) {
            try Opus.validate(sampleRate: sampleRate, channels: channels)
            var err: Int32 = 0
            guard let st = opus_encoder_create(Int32(sampleRate), Int32(channels), application.raw, &err),
                err == OPUS_OK
            else { throw Opus.error(err, "opus_encoder_create") }
            state = st
            self.sampleRate = sampleRate
            self.channels = channels
            frameSize = sampleRate / 50
            try setComplexity(complexity)
            if let bitrate { try setBitrate(bitrate) }
            try Opus.check(copus_set_signal_voice(state), "OPUS_SET_SIGNAL")
        }

        deinit { opus_encoder_destroy(state) }

        /// Target bitrate in bits per second (500…512 000).
        public func setBitrate(_ bps: Int) throws(AudioError) {
            try Opus.check(copus_set_bitrate(state, Int32(clamping: bps)), "OPUS_SET_BITRATE(\(bps))")
        }

        /// The bitrate libopus is using.
        public func bitrate() throws(AudioError) -> Int {
            var v: Int32 = 0
            try Opus.check(copus_get_bitrate(state, &v), "OPUS_GET_BITRATE")
            return Int(v)
        }

        /// Complexity 0 (fastest) … 10 (best).
        public func setComplexity(_ value: Int) throws(AudioError) {
            try Opus.check(copus_set_complexity(state, Int32(clamping: value)), "OPUS_SET_COMPLEXITY(\(value))")
        }

        /// In-band forward error correction, sized for the expected packet loss.
        public func setFEC(_ enabled: Bool, expectedLossPercent: Int = 10) throws(AudioError) {
            try Opus.check(copus_set_inband_fec(state, enabled ? 1 : 0), "OPUS_SET_INBAND_FEC")
            try Opus.check(
                copus_set_packet_loss_perc(state, Int32(clamping: enabled ? expectedLossPercent : 0)),
                "OPUS_SET_PACKET_LOSS_PERC")
        }

        /// Discontinuous transmission (tiny packets during silence).
        public func setDTX(_ enabled: Bool) throws(AudioError) {
            try Opus.check(copus_set_dtx(state, enabled ? 1 : 0), "OPUS_SET_DTX")
        }

        /// Encoder delay in samples (at `sampleRate`).
        public func lookahead() throws(AudioError) -> Int {
            var v: Int32 = 0
            try Opus.check(copus_get_lookahead(state, &v), "OPUS_GET_LOOKAHEAD")
            return Int(v)
        }

        /// Encodes one frame (`frameSize × channels` interleaved samples) into `output`; returns the packet length.
        /// No allocation.
        public func encode(
            _ pcm: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>
        ) throws(AudioError) -> Int {
            guard pcm.count == frameSize * channels, let input = pcm.baseAddress, let out = output.baseAddress else {
                throw AudioError(
                    .invalidArgument, "Opus frame must be \(frameSize * channels) samples, got \(pcm.count)")
            }
            let n = opus_encode(state, input, Int32(frameSize), out, Int32(clamping: output.count))
            try Opus.check(n, "opus_encode")
            return Int(n)
        }

        /// Encodes one 20 ms frame and returns the packet.
        public func encode(_ pcm: [Int16]) throws(AudioError) -> [UInt8] {
            let n = try pcm.withUnsafeBufferPointer { (p) throws(AudioError) -> Int in
                try scratch.withUnsafeMutableBufferPointer { (o) throws(AudioError) -> Int in try encode(p, into: o) }
            }
            return Array(scratch[0..<n])
        }

        /// Forgets the signal history (e.g. after a long pause).
        public func reset() throws(AudioError) {
            try Opus.check(copus_encoder_reset(state), "OPUS_RESET_STATE")
        }
    }
}
