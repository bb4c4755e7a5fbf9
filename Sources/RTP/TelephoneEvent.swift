/// An RFC 4733 telephone-event payload (4 bytes): event code, end bit, volume, duration.
public struct TelephoneEvent: Equatable, Sendable {
    /// 0–9 digits, 10 `*`, 11 `#`, 12–15 `A`–`D`.
    public var event: UInt8
    public var end: Bool
    /// Power level in −dBm0 (0–63).
    public var volume: UInt8
    /// Duration so far, in timestamp units.
    public var duration: UInt16

    public static let size = 4

    public init(event: UInt8, end: Bool, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.end = end
        self.volume = volume
        self.duration = duration
    }

    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPError) {
        guard bytes.count >= Self.size else { throw .truncated }
        self.init(
            event: bytes[0], end: bytes[1] & 0x80 != 0, volume: bytes[1] & 0x3F, duration: bytes.loadBE16(at: 2))
    }

    public init(parsing bytes: [UInt8]) throws(RTPError) {
        let result: Result<TelephoneEvent, RTPError> = bytes.withUnsafeBytes { raw in
            do throws(RTPError) { return .success(try TelephoneEvent(parsing: raw)) } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    public var bytes: [UInt8] {
        [event, (end ? 0x80 : 0) | (volume & 0x3F), UInt8(duration >> 8), UInt8(truncatingIfNeeded: duration)]
    }

    /// Writes the 4 payload bytes into `out`; returns 4, or 0 if it does not fit.
    public func write(into out: UnsafeMutableRawBufferPointer) -> Int {
        guard out.count >= Self.size else { return 0 }
        out[0] = event
        out[1] = (end ? 0x80 : 0) | (volume & 0x3F)
        out.storeBE16(duration, at: 2)
        return Self.size
    }

    /// The DTMF character for events 0–15, nil for other events (tones, flash …).
    public var digit: Character? { Self.digit(forEvent: event) }

    public static func digit(forEvent event: UInt8) -> Character? {
        switch event {
        case 0...9: return Character(Unicode.Scalar(UInt8(ascii: "0") + event))
        case 10: return "*"
        case 11: return "#"
        case 12...15: return Character(Unicode.Scalar(UInt8(ascii: "A") + event - 12))
        default: return nil
        }
    }

    public static func event(forDigit digit: Character) -> UInt8? {
        switch digit {
        case "0"..."9": return digit.asciiValue.map { $0 - UInt8(ascii: "0") }
        case "*": return 10
        case "#": return 11
        case "A"..."D": return digit.asciiValue.map { $0 - UInt8(ascii: "A") + 12 }
        case "a"..."d": return digit.asciiValue.map { $0 - UInt8(ascii: "a") + 12 }
        default: return nil
        }
    }
}
