// CallEngine: sending DTMF digits on a call (`send_dtmf` steps). A transport that can send digits out of band
// (RFC 4733 events, SIP INFO) conforms to `DTMFSending`; otherwise the session plays the tones in band. Timing is
// the usual one: 100 ms per digit, 70 ms between digits, `w` (or `W`) a 500 ms pause.
import Audio

/// How digits left the call.
public enum DTMFSendMethod: String, Sendable, Equatable {
    case rfc4733
    case sipInfo = "sip_info"
    case inBand = "in_band"
}

/// A transport that may send digits out of band.
public protocol DTMFSending: Sendable {
    /// Sends `digits` (DTMF characters only, no pauses) out of band if the call can (RFC 4733 when negotiated,
    /// else SIP INFO) and returns once they are sent, with the method used; nil when it cannot (the session then
    /// plays them in band).
    func sendDigitsOutOfBand(_ digits: String) async -> DTMFSendMethod?
}

/// A digit string split into what to send: runs of digits and pauses. Pure.
public struct DTMFOutPlan: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case digits(String)
        case pauseMs(Int)
    }

    public static let toneMs = 100
    public static let gapMs = 70
    public static let pauseMs = 500

    public var parts: [Part]

    /// Keeps DTMF characters (`0-9 * # A-D`, letters upper-cased) and `w`/`W` pauses; drops anything else.
    public init(_ text: String) {
        var parts: [Part] = []
        var run = ""
        for character in text {
            if character == "w" || character == "W" {
                if !run.isEmpty { parts.append(.digits(run)) }
                run = ""
                parts.append(.pauseMs(Self.pauseMs))
            } else {
                let upper = Character(character.uppercased())
                if DTMF.digits.contains(upper) { run.append(upper) }
            }
        }
        if !run.isEmpty { parts.append(.digits(run)) }
        self.parts = parts
    }

    /// Every digit sent, in order, without pauses.
    public var digits: String {
        parts.reduce(into: "") { text, part in if case .digits(let d) = part { text += d } }
    }

    /// The whole plan as in-band audio at `sampleRate`: each digit 100 ms of its tone pair, 70 ms of silence
    /// after it, 500 ms of silence per pause.
    public func inBandSamples(sampleRate: Int) -> [Int16] {
        var out: [Int16] = []
        for part in parts {
            switch part {
            case .digits(let digits):
                out += DTMF.sequence(digits, toneMs: Self.toneMs, gapMs: Self.gapMs, sampleRate: sampleRate)
            case .pauseMs(let ms):
                out += [Int16](repeating: 0, count: ms * sampleRate / 1000)
            }
        }
        return out
    }
}
