/// The 16 DTMF digits (ITU-T Q.23) and their row/column frequencies, plus a tone generator.
public enum DTMF {
    public static let rowFrequencies: [Double] = [697, 770, 852, 941]
    public static let columnFrequencies: [Double] = [1209, 1336, 1477, 1633]
    public static let keypad: [[Character]] = [
        ["1", "2", "3", "A"],
        ["4", "5", "6", "B"],
        ["7", "8", "9", "C"],
        ["*", "0", "#", "D"],
    ]
    /// All 16 digits.
    public static let digits: [Character] = keypad.flatMap { $0 }

    /// (row, column) frequencies of `digit`, or nil if it is not a DTMF digit.
    public static func frequencies(of digit: Character) -> (row: Double, column: Double)? {
        let d = Character(digit.uppercased())
        for (r, row) in keypad.enumerated() {
            if let c = row.firstIndex(of: d) { return (rowFrequencies[r], columnFrequencies[c]) }
        }
        return nil
    }

    /// The tone pair of `digit`, each frequency at `dBm0` (twist in dB raises the column tone over the row).
    /// Returns nil for a character that is not a DTMF digit.
    public static func tone(
        _ digit: Character, durationMs: Int, sampleRate: Int, levelDBm0: Double = -10, twistDB: Double = 0
    ) -> [Int16]? {
        guard let f = frequencies(of: digit) else { return nil }
        let a = ToneGenerator.amplitude(dBm0: levelDBm0)
        let b = ToneGenerator.amplitude(dBm0: levelDBm0 + twistDB)
        return ToneGenerator.sum([(f.row, a), (f.column, b)], durationMs: durationMs, sampleRate: sampleRate)
    }

    /// A digit string as tones separated by silence (unknown characters are skipped).
    public static func sequence(
        _ digits: String, toneMs: Int = 100, gapMs: Int = 100, sampleRate: Int, levelDBm0: Double = -10
    ) -> [Int16] {
        var out: [Int16] = []
        for d in digits {
            guard let t = tone(d, durationMs: toneMs, sampleRate: sampleRate, levelDBm0: levelDBm0) else { continue }
            out += t
            out += ToneGenerator.silence(durationMs: gapMs, sampleRate: sampleRate)
        }
        return out
    }
}

/// Merges the digits of one call's two DTMF paths — out of band (RFC 4733 events, SIP INFO) and in band (the
/// tone detector) — so a phone that sends both for one press yields one digit. Each digit is passed unless the
/// *other* path gave the same digit within `windowMs` before it and that one is not yet matched; matching is
/// one to one, oldest first, so a repeated key ("11") stays two digits. Times are on one clock (the media
/// tick), in ms. Pure: no clock reads.
public struct DTMFDeduplicator: Sendable {
    /// Covers the jitter buffer's delay (≤ 200 ms by default) plus the detector's ~40 ms, with margin.
    public var windowMs: Int
    private var unmatched: [(digit: Character, atMs: Int, outOfBand: Bool)] = []

    public init(windowMs: Int = 600) {
        self.windowMs = windowMs
    }

    /// True when `digit`, seen on one path at `atMs`, is a new press to deliver; false for the other path's
    /// copy of a press already delivered.
    public mutating func accept(_ digit: Character, atMs: Int, outOfBand: Bool) -> Bool {
        unmatched.removeAll { atMs - $0.atMs > windowMs }
        if let i = unmatched.firstIndex(where: { $0.outOfBand != outOfBand && $0.digit == digit }) {
            unmatched.remove(at: i)
            return false
        }
        unmatched.append((digit, atMs, outOfBand))
        if unmatched.count > 64 { unmatched.removeFirst() }
        return true
    }
}
