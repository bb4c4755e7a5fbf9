// Opus timings for `switchboard bench audio`: our wrapper next to the same libopus calls made directly.
import Audio
import COpus

enum OpusBench {
    static func measure(into bench: inout AudioBench, pcm48: [Int16]) throws {
        let size = 960
        let count = pcm48.count / size
        // Packets to decode, made once.
        let encoder = try Opus.Encoder(sampleRate: 48000, bitrate: 32000, complexity: 5)
        var packets: [[UInt8]] = []
        for k in 0..<count { packets.append(try encoder.encode(Array(pcm48[k * size..<k * size + size]))) }

        var err: Int32 = 0
        guard let rawEnc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err),
            let rawDec = opus_decoder_create(48000, 1, &err)
        else { throw AudioError(.opus, "opus create failed: \(err)") }
        defer {
            opus_encoder_destroy(rawEnc)
            opus_decoder_destroy(rawDec)
        }
        _ = copus_set_complexity(rawEnc, 5)
        _ = copus_set_bitrate(rawEnc, 32000)
        _ = copus_set_signal_voice(rawEnc)
        let wrapEnc = try Opus.Encoder(sampleRate: 48000, bitrate: 32000, complexity: 5)
        let wrapDec = try Opus.Decoder(sampleRate: 48000)
        var packet = [UInt8](repeating: 0, count: Opus.maxPacketSize)
        var out = [Int16](repeating: 0, count: 5760)

        try pcm48.withUnsafeBufferPointer { p in
            try packet.withUnsafeMutableBufferPointer { pk in
                try out.withUnsafeMutableBufferPointer { o in
                    guard let base = p.baseAddress, let pkBase = pk.baseAddress, let oBase = o.baseAddress else { return }
                    func frame(_ i: Int) -> UnsafeBufferPointer<Int16> {
                        UnsafeBufferPointer(rebasing: p[(i % count) * size..<(i % count) * size + size])
                    }
                    // Interleave raw and wrapper rounds so both see the same machine state.
                    for _ in 0..<3 {
                        bench.measure("opus encode (libopus raw)") { i in
                            Int(opus_encode(rawEnc, base + (i % count) * size, 960, pkBase, Int32(pk.count)))
                        }
                        try bench.measure("opus encode c5 48k (wrapper, buffers)") { i in
                            try wrapEnc.encode(frame(i), into: pk)
                        }
                    }
                    try bench.measure("opus encode c5 48k (wrapper, arrays)") { i in
                        try wrapEnc.encode(Array(frame(i))).count
                    }
                    for _ in 0..<3 {
                        bench.measure("opus decode (libopus raw)") { i in
                            packets[i % count].withUnsafeBufferPointer { q in
                                Int(opus_decode(rawDec, q.baseAddress, Int32(q.count), oBase, 5760, 0))
                            }
                        }
                        try bench.measure("opus decode 48k (wrapper, buffers)") { i in
                            try packets[i % count].withUnsafeBufferPointer { (q) throws(AudioError) -> Int in
                                try wrapDec.decode(q, into: o)
                            }
                        }
                    }
                    try bench.measure("opus decode 48k (wrapper, arrays)") { i in
                        try wrapDec.decode(packets[i % count]).count
                    }
                    try bench.measure("opus decode PLC (lost frame)") { _ in try wrapDec.decode(nil, into: o) }
                }
            }
        }
    }
}
