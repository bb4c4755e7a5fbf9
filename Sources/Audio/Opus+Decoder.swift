import COpus

extension Opus {
    /// An Opus decoder producing 20 ms frames. A missing packet (`nil`) is concealed (packet loss
    /// concealment); `decodeFEC(from:)` recovers a lost frame from the in-band FEC of the packet after it.
    /// Not thread-safe; owned by one call's media path.
    public final class Decoder {
        public let sampleRate: Int
        public let channels: Int
        /// Samples per channel in one 20 ms frame.
        public let frameSize: Int
        private let state: OpaquePointer

        public init(sampleRate: Int = 48000, channels: Int = 1) throws(AudioError) {
            try Opus.validate(sampleRate: sampleRate, channels: channels)
            var err: Int32 = 0
            guard let st = opus_decoder_create(Int32(sampleRate), Int32(channels), &err), err == OPUS_OK else {
                throw Opus.error(err, "opus_decoder_create")
            }
            state = st
            self.sampleRate = sampleRate
            self.channels = channels
            frameSize = sampleRate / 50
        }

        deinit { opus_decoder_destroy(state) }

        /// Decodes `packet` (nil = lost: conceal) into `output`, which must hold at least one 20 ms frame
        /// (`frameSize × channels`); a packet of longer frames needs more room. Returns samples per channel.
        /// With `fec`, decodes the previous (lost) frame from this packet's FEC data. No allocation.
        public func decode(
            _ packet: UnsafeBufferPointer<UInt8>?, into output: UnsafeMutableBufferPointer<Int16>, fec: Bool = false
        ) throws(AudioError) -> Int {
            guard let out = output.baseAddress, output.count >= frameSize * channels else {
                throw AudioError(.invalidArgument, "Opus output buffer must hold \(frameSize * channels) samples")
            }
            // PLC and FEC must ask for exactly one frame; a real packet may be longer than 20 ms.
            let room = packet == nil || fec ? frameSize : output.count / channels
            let n = opus_decode(
                state, packet?.baseAddress, Int32(packet?.count ?? 0), out, Int32(room), fec ? 1 : 0)
            try Opus.check(n, packet == nil ? "opus_decode (concealment)" : "opus_decode")
            return Int(n)
        }

        /// Decodes one packet (nil = lost: returns a concealed 20 ms frame).
        public func decode(_ packet: [UInt8]?) throws(AudioError) -> [Int16] {
            try decodeCollecting(packet, fec: false)
        }

        /// Recovers the frame lost just before `nextPacket` from its in-band FEC (or conceals it if there is none).
        public func decodeFEC(from nextPacket: [UInt8]) throws(AudioError) -> [Int16] {
            try decodeCollecting(nextPacket, fec: true)
        }

        private func decodeCollecting(_ packet: [UInt8]?, fec: Bool) throws(AudioError) -> [Int16] {
            // 120 ms is the longest Opus packet.
            var out = [Int16](repeating: 0, count: sampleRate * 120 / 1000 * channels)
            let n = try out.withUnsafeMutableBufferPointer { (o) throws(AudioError) -> Int in
                if let packet {
                    return try packet.withUnsafeBufferPointer { (p) throws(AudioError) -> Int in
                        try decode(p, into: o, fec: fec)
                    }
                }
                return try decode(nil, into: o)
            }
            out.removeLast(out.count - n * channels)
            return out
        }

        /// Forgets the decoder's history (e.g. on a new stream).
        public func reset() throws(AudioError) {
            try Opus.check(copus_decoder_reset(state), "OPUS_RESET_STATE")
        }
    }
}
