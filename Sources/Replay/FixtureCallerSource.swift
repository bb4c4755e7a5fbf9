// Replay: the caller's side of a recorded call — the audio track cut into 20 ms frames, the DTMF timeline and
// the hang-up — as the `CallerMediaSource` the virtual media clock reads.
import Audio
public import CallEngine

/// Caller events by time, from a fixture.
public struct FixtureCallerSource: CallerMediaSource {
    public let sampleRate: Int
    let samples: [Int16]
    let dtmf: [(atMs: Int, digit: Character)]
    let hangupAtMs: Int?
    /// No audio frame before this time (a live bridge hands audio on from the caller's first signal).
    let audioFromMs: Int

    public init(
        samples: [Int16], sampleRate: Int, dtmf: [(atMs: Int, digit: Character)], hangupAtMs: Int?, audioFromMs: Int = 0
    ) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.dtmf = dtmf.sorted { $0.atMs < $1.atMs }
        self.hangupAtMs = hangupAtMs
        self.audioFromMs = audioFromMs
    }

    /// Length of the caller track.
    public var durationMs: Int { samples.count * 1000 / max(1, sampleRate) }

    public func callerEvents(fromMs startMs: Int, toMs endMs: Int) -> [MediaInEvent] {
        var events: [MediaInEvent] = dtmf.filter { $0.atMs >= startMs && $0.atMs < endMs }.map { .dtmf($0.digit) }
        guard startMs >= audioFromMs else {
            if let hangupAtMs, hangupAtMs >= startMs, hangupAtMs < endMs { events.append(.hangUp) }
            return events
        }
        let perFrame = PCMFrame.samplesPer20ms(sampleRate: sampleRate)
        let first = startMs * sampleRate / 1000
        var frame = [Int16](repeating: 0, count: perFrame)
        if first < samples.count {
            let end = min(samples.count, first + perFrame)
            frame.replaceSubrange(0..<(end - first), with: samples[first..<end])
        }
        events.append(.audio(PCMFrame(samples: frame, sampleRate: sampleRate, timestampMs: startMs)))
        if let hangupAtMs, hangupAtMs >= startMs, hangupAtMs < endMs { events.append(.hangUp) }
        return events
    }
}
