// Wire (pure): the fast path for the chunk that carries nearly every byte of a reply, a plain audio delta.
// `AudioDeltaScanner` finds the fields in the event's bytes, base64 is decoded by table straight into the
// memory of the Int16 sample array (pcm16 is little-endian, as the host), no JSON values, Strings or Data are
// built for the audio. Whenever the scanner or the strict base64 decoder is unsure, the answer is `nil` and
// nothing has changed: the caller decodes the chunk with `decode(_:)`, which gives the same outputs.
import Foundation

extension ChatChunkDecoder {
    /// Decodes the data of one SSE event (no `event:` name) if it is a plain audio delta; `nil` otherwise.
    /// The outputs equal what `decode(_:)` returns for the same event.
    public mutating func decodeAudioDelta(_ json: UnsafeBufferPointer<UInt8>) -> [Output]? {
        guard !isDone else { return nil }
        guard let spans = AudioDeltaScanner.scan(json) else { return nil }
        var samples: [Int16] = []
        var nextCarry = carry
        if let data = spans.data, !data.isEmpty {
            let text = UnsafeBufferPointer(rebasing: json[data])
            let decoded: (samples: [Int16], carry: UInt8?)?
            if text.baseAddress.map({ memchr($0, 0x5C, text.count) == nil }) ?? true {
                decoded = Self.pcm16(base64: text, carry: carry)
            } else {
                // Some encoders write "/" as "\/"; any other escape goes the full way.
                decoded = Self.unescapingSlashes(text).flatMap { unescaped in
                    unescaped.withUnsafeBufferPointer { Self.pcm16(base64: $0, carry: carry) }
                }
            }
            guard let decoded else { return nil }
            (samples, nextCarry) = decoded
        }
        carry = nextCarry
        var outputs: [Output] = []
        func text(_ range: Range<Int>?) -> String? {
            guard let range, !range.isEmpty else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: json[range]), as: UTF8.self)
        }
        if let id = text(spans.id) { outputs.append(.audioID(id)) }
        if !samples.isEmpty { outputs.append(.audio(samples: samples, sampleRate: pcmSampleRate)) }
        if let transcript = text(spans.transcript) { outputs.append(.transcriptDelta(transcript)) }
        if let expires = spans.expiresAt { outputs.append(.audioExpiresAt(expires)) }
        return outputs
    }

    /// The text with every "\\/" made "/"; `nil` if it holds any other backslash.
    static func unescapingSlashes(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == 0x5C {
                guard index + 1 < text.count, text[index + 1] == UInt8(ascii: "/") else { return nil }
                index += 1
            }
            out.append(text[index])
            index += 1
        }
        return out
    }

    /// Strict base64 of pcm16 LE to samples, after the odd byte left over from the previous chunk. `nil` when
    /// the text is not strict base64.
    static func pcm16(base64: UnsafeBufferPointer<UInt8>, carry: UInt8?) -> (samples: [Int16], carry: UInt8?)? {
        let lead = carry == nil ? 0 : 1
        let capacity = (Base64Strict.maxDecodedCount(base64.count) + lead + 1) / 2
        var valid = false
        var nextCarry: UInt8?
        let samples = [Int16](unsafeUninitializedCapacity: max(1, capacity)) { buffer, count in
            count = 0
            guard let base = UnsafeMutableRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: UInt8.self) else {
                return
            }
            if let carry { base[0] = carry }
            guard let written = Base64Strict.decode(base64, into: base + lead) else { return }
            let bytes = lead + written
            valid = true
            count = bytes / 2
            if bytes % 2 == 1 { nextCarry = base[bytes - 1] }
            #if _endian(big)
                for index in 0..<count { buffer[index] = Int16(littleEndian: buffer[index]) }
            #endif
        }
        return valid ? (samples, nextCarry) : nil
    }
}
