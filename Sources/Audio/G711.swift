/// G.711 companding (ITU-T G.711): `.ulaw` (PCMU, North America/Japan) and `.alaw` (PCMA, elsewhere), 8 bits per
/// sample. Table-driven; bit-exact with the ITU reference algorithm (and with sox).
public enum G711: String, Sendable, CaseIterable {
    case ulaw = "pcmu"
    case alaw = "pcma"

    /// RTP static payload type (RFC 3551).
    public var payloadType: UInt8 { self == .ulaw ? 0 : 8 }

    /// Code for one sample.
    public func encode(_ sample: Int16) -> UInt8 {
        self == .ulaw
            ? G711.ulawEncodeTable[(Int(sample) + 2) >> 2 + 8192] : G711.alawEncodeTable[(Int(sample) + 4) >> 3 + 4096]
    }

    /// Linear value of one code.
    public func decode(_ code: UInt8) -> Int16 {
        self == .ulaw ? G711.ulawDecodeTable[Int(code)] : G711.alawDecodeTable[Int(code)]
    }

    /// Encodes `input` into `output` (which must be at least as long). No allocation.
    public func encode(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<UInt8>) {
        let n = min(input.count, output.count)
        switch self {
        case .ulaw:
            G711.ulawEncodeTable.withUnsafeBufferPointer { table in
                for i in 0..<n { output[i] = table[(Int(input[i]) &+ 2) >> 2 &+ 8192] }
            }
        case .alaw:
            G711.alawEncodeTable.withUnsafeBufferPointer { table in
                for i in 0..<n { output[i] = table[(Int(input[i]) &+ 4) >> 3 &+ 4096] }
            }
        }
    }

    /// Decodes `input` into `output` (which must be at least as long). No allocation.
    public func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Int16>) {
        let n = min(input.count, output.count)
        switch self {
        case .ulaw:
            G711.ulawDecodeTable.withUnsafeBufferPointer { table in
                for i in 0..<n { output[i] = table[Int(input[i])] }
            }
        case .alaw:
            G711.alawDecodeTable.withUnsafeBufferPointer { table in
                for i in 0..<n { output[i] = table[Int(input[i])] }
            }
        }
    }

    /// Encodes a block of samples.
    public func encode(_ samples: [Int16]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: samples.count) { out, count in
            samples.withUnsafeBufferPointer { encode($0, into: out) }
            count = samples.count
        }
    }

    /// Decodes a block of codes.
    public func decode(_ bytes: some Collection<UInt8>) -> [Int16] {
        let input = Array(bytes)
        return [Int16](unsafeUninitializedCapacity: input.count) { out, count in
            input.withUnsafeBufferPointer { decode($0, into: out) }
            count = input.count
        }
    }
}
