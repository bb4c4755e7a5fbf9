// Replay: the caller's side of a recorded call — the audio track cut into 20 ms frames, the DTMF timeline and
// the hang-up — as the `CallerMediaSource` the virtual media clock reads. A recorded call may also say when the
// live session actually took each frame (`caller_timing`): a loaded server reads its input late, and the replay
// then hands the frames over at those same moments, so the call unfolds as it did.
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
    /// With timing: per frame (media time), when the session took it; sorted by both.
    let schedule: [(atMs: Int, mediaMs: Int)]
    let tailLagMs: Int

    public init(
        samples: [Int16], sampleRate: Int, dtmf: [(atMs: Int, digit: Character)], hangupAtMs: Int?, audioFromMs: Int = 0,
        timing: [(mediaMs: Int, atMs: Int)] = []
    ) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.dtmf = dtmf.sorted { $0.atMs < $1.atMs }
        self.hangupAtMs = hangupAtMs
        self.audioFromMs = audioFromMs
        let anchors = timing.sorted { $0.mediaMs < $1.mediaMs }
        var schedule: [(atMs: Int, mediaMs: Int)] = []
        var tailLag = 0
        if !anchors.isEmpty {
            let trackEnd = samples.count * 1000 / max(1, sampleRate)
            let last = max(trackEnd, anchors[anchors.count - 1].mediaMs)
            var anchor = 0
            var at = 0
            var media = audioFromMs
            while media <= last {
                while anchor + 1 < anchors.count, anchors[anchor + 1].mediaMs <= media { anchor += 1 }
                let lag = anchors[anchor].atMs - anchors[anchor].mediaMs
                at = max(at, media + lag)
                schedule.append((at, media))
                tailLag = at - media
                media += VirtualCallRunner.tickMs
            }
        }
        self.schedule = schedule
        self.tailLagMs = tailLag
    }

    /// Length of the caller track.
    public var durationMs: Int { samples.count * 1000 / max(1, sampleRate) }

    public func callerEvents(fromMs startMs: Int, toMs endMs: Int) -> [MediaInEvent] {
        if !schedule.isEmpty { return timedEvents(fromMs: startMs, toMs: endMs) }
        var events: [MediaInEvent] = dtmf.filter { $0.atMs >= startMs && $0.atMs < endMs }.map { .dtmf($0.digit) }
        guard startMs >= audioFromMs else {
            if let hangupAtMs, hangupAtMs >= startMs, hangupAtMs < endMs { events.append(.hangUp) }
            return events
        }
        events.append(.audio(frame(atMediaMs: startMs)))
        if let hangupAtMs, hangupAtMs >= startMs, hangupAtMs < endMs { events.append(.hangUp) }
        return events
    }

    func frame(atMediaMs mediaMs: Int) -> PCMFrame {
        let perFrame = PCMFrame.samplesPer20ms(sampleRate: sampleRate)
        let first = mediaMs * sampleRate / 1000
        var frame = [Int16](repeating: 0, count: perFrame)
        if first >= 0, first < samples.count {
            let end = min(samples.count, first + perFrame)
            frame.replaceSubrange(0..<(end - first), with: samples[first..<end])
        }
        return PCMFrame(samples: frame, sampleRate: sampleRate, timestampMs: mediaMs)
    }

    /// When the session took the frame of media time `mediaMs` (or the first one after it).
    func deliveryTime(ofMediaMs mediaMs: Int) -> Int {
        if let index = firstScheduled(mediaAtLeast: mediaMs) { return schedule[index].atMs }
        return mediaMs + tailLagMs
    }

    private func firstScheduled(mediaAtLeast mediaMs: Int) -> Int? {
        var low = 0
        var high = schedule.count
        while low < high {
            let mid = (low + high) / 2
            if schedule[mid].mediaMs < mediaMs { low = mid + 1 } else { high = mid }
        }
        return low < schedule.count ? low : nil
    }

    /// Frames taken in [start, end) (none, one or several), each digit just before the first frame at or after
    /// its media time, the hang-up after the frames before it.
    func timedEvents(fromMs startMs: Int, toMs endMs: Int) -> [MediaInEvent] {
        var frames: [Int] = []
        var low = 0
        var high = schedule.count
        while low < high {
            let mid = (low + high) / 2
            if schedule[mid].atMs < startMs { low = mid + 1 } else { high = mid }
        }
        var index = low
        while index < schedule.count, schedule[index].atMs < endMs {
            frames.append(schedule[index].mediaMs)
            index += 1
        }
        if index == schedule.count, let lastMedia = schedule.last?.mediaMs {
            // Past the recording: frames go on every 20 ms with the last lag.
            let tick = VirtualCallRunner.tickMs
            let from = startMs - tailLagMs - lastMedia
            var media = lastMedia + tick * max(1, (from + tick - 1) / tick)
            while media + tailLagMs < endMs {
                frames.append(media)
                media += tick
            }
        }
        var digits = dtmf.filter { (startMs..<endMs).contains(deliveryTime(ofMediaMs: $0.atMs)) }
        let hangup = hangupAtMs.flatMap { (startMs..<endMs).contains(deliveryTime(ofMediaMs: $0)) ? $0 : nil }
        var events: [MediaInEvent] = []
        for media in frames {
            while let digit = digits.first, digit.atMs <= media {
                events.append(.dtmf(digit.digit))
                digits.removeFirst()
            }
            if let hangup, hangup <= media { break }
            events.append(.audio(frame(atMediaMs: media)))
        }
        events += digits.map { .dtmf($0.digit) }
        if hangup != nil { events.append(.hangUp) }
        return events
    }
}
