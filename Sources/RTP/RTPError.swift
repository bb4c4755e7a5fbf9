/// Why an RTP or RTCP datagram was rejected. Each case names what a person would check on the wire.
public enum RTPError: Error, Equatable, Sendable {
    /// Shorter than the fixed 12-byte header, or than the CSRC list / extension it announces.
    case truncated
    /// The version field was not 2.
    case badVersion(UInt8)
    /// The padding count was 0 or larger than the bytes left after the header.
    case badPadding
    /// An RTCP packet's length field disagrees with the datagram, or its report count does not fit.
    case badLength
    /// An RTCP packet type this parser does not understand, inside a compound packet.
    case unsupportedType(UInt8)
    /// A value does not fit its field (payload type > 127, event > 255, more than 15 CSRCs …).
    case fieldOutOfRange
}
