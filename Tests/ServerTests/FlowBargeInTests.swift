// Barge-in on a live call (issue 14): while the bot speaks a long interruptible prompt, a caller over real
// SIP/RTP says soft "mm-hmm", "okay", "yeah", "uh-huh" (espeak-ng, 10 dB below its normal voice) and makes a
// sox noise burst: the bot keeps talking. Then "wait, stop, I need billing" at the normal level stops it; the
// time from the interruption's speech onset (sent) to the bot's last loud packet (received) is measured.
import Audio
import CallLog
import Foundation
import Synchronization
import SwitchboardTestKit
import Testing

@Suite(.serialized, .tags(.integration))
struct FlowBargeInTests {
    static let flow = """
        name: barge
        start: talk
        steps:
          talk:
            say: "Thank you for calling Acme. Our opening hours are Monday to Friday from nine to five, and \
        Saturday from ten to two. For billing questions, have your account number ready. For technical support, \
        please describe the problem and the model of your device. Orders can be tracked on our web site at any \
        time, and returns are free within thirty days of delivery. We also offer gift cards and extended warranty."
            next: bye
          bye:
            hangup: interrupted

        """

    /// Server packets as received: arrival time and peak level.
    final class Heard: Sendable {
        let packets = Mutex<[(at: ContinuousClock.Instant, peak: Int)]>([])
        let stop = Atomic<Bool>(false)
    }

    @Test(.timeLimit(.minutes(1)))
    func backchannelsDoNotStopTheBotAndAnInterruptionDoes() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let dir = try TemporaryDirectory(prefix: "live-barge")
        defer { dir.remove() }
        var clips: [[Int16]] = []
        for (index, word) in ["mm-hmm", "okay", "yeah", "uh-huh"].enumerated() {
            let speech = try TestAudio.speech(word, sampleRate: 8000, in: dir, voice: ["en", "en-us", "en+f3", "en+m3"][index])
            clips.append(speech.map { Int16((Double($0) * 0.316).rounded()) })
        }
        let noise = dir.file("noise.wav")
        try TestAudio.run("sox", ["-n", "-r", "8000", "-b", "16", "-c", "1", noise, "synth", "0.3", "pinknoise", "vol", "0.3"])
        clips.append(try WAVFile.read(path: noise).samples)
        let fillers = clips
        let interruption = try TestAudio.speech("wait, stop, I need billing", sampleRate: 8000, in: dir, voice: "en")
        let service = try await FlowCallTestService.start(flows: ["barge.yaml": Self.flow], in: folder)
        let port = service.sipPort
        let result: (fillersEndMs: Int, onsetMs: Int, lastLoudMs: Int, loudDuringFillers: Int)
        do {
            result = try await onThread { try Self.talkOver(port: port, fillers: fillers, interruption: interruption) }
        } catch {
            await service.stop()
            throw error
        }
        let detail = try await service.endedCall()
        await service.stop()
        let latency = result.lastLoudMs - result.onsetMs
        print("live barge-in: bot still loud after the fillers (\(result.loudDuringFillers) loud packets during them); "
            + "stopped \(latency) ms after the interruption's onset")
        // The bot talked through the fillers: loud packets kept coming until the interruption.
        #expect(result.loudDuringFillers > 50 * result.fillersEndMs / 1000 / 3, "\(result)")
        #expect(result.lastLoudMs > result.onsetMs, "the bot stopped before the interruption: \(result)")
        #expect(latency <= 150, "the bot stopped \(latency) ms after the interruption's onset")
        let bargeIns = detail.events.filter { $0.kind == "barge_in" }.count
        #expect(bargeIns == 1, "barge-ins in the call log: \(bargeIns)")
    }

    /// Caller side, blocking: waits for the bot's voice, then speaks the fillers (600 ms apart) and the
    /// interruption in real time while a second thread records the bot's packets.
    static func talkOver(port: Int, fillers: [[Int16]], interruption: [Int16]) throws
        -> (fillersEndMs: Int, onsetMs: Int, lastLoudMs: Int, loudDuringFillers: Int)
    {
        let phone = try SIPTestPhone(serverPort: port)
        let dialog = try phone.call(user: "barge", callID: "barge-\(UUID().uuidString)@127.0.0.1", caller: "+15550100001")
        let heard = Heard()
        let listener = Thread {
            while !heard.stop.load(ordering: .relaxed) {
                guard let packet = phone.media.receive(), packet.count > 12, packet[1] & 0x7F == 0 else { continue }
                let peak = packet[12...].map { abs(Int(G711.ulaw.decode($0))) }.max() ?? 0
                heard.packets.withLock { $0.append((ContinuousClock.now, peak)) }
            }
        }
        listener.start()
        defer { heard.stop.store(true, ordering: .relaxed) }
        // Wait for the bot's voice.
        let start = ContinuousClock.now
        while heard.packets.withLock({ $0.filter { $0.peak > 2000 }.count }) < 10 {
            guard ContinuousClock.now - start < .seconds(5) else { throw ServeTestError("the bot never spoke") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        // The caller's track: 400 ms of quiet line, fillers 600 ms apart, 600 ms, the interruption, 1 s.
        let gap = TestAudio.whiteNoise(count: 4800, rms: 20, seed: 3)
        var track = Array(gap.prefix(3200))
        for clip in fillers { track += clip + gap }
        let fillersEnd = track.count
        let onsetSample = track.count + (interruption.firstIndex { abs(Int($0)) > 400 } ?? 0)
        track += interruption + gap + gap
        let t0 = ContinuousClock.now
        var sentAt: [ContinuousClock.Instant] = []
        var index = 0
        for offset in stride(from: 0, to: track.count - 159, by: 160) {
            let payload = track[offset..<(offset + 160)].map { G711.ulaw.encode($0) }
            sentAt.append(ContinuousClock.now)
            phone.sendRTP(dialog, sequence: UInt16(truncatingIfNeeded: index), timestamp: UInt32(offset), ssrc: 0x4242, payload: payload)
            index += 1
            let wait = (t0 + .milliseconds(20 * index)) - ContinuousClock.now
            if wait > .zero { Thread.sleep(forTimeInterval: Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)) }
        }
        heard.stop.store(true, ordering: .relaxed)
        phone.drain(for: .milliseconds(800))
        func ms(_ instant: ContinuousClock.Instant) -> Int {
            let d = instant - t0
            return Int(d.components.seconds * 1000) + Int(d.components.attoseconds / 1_000_000_000_000_000)
        }
        let onsetSent = sentAt[min(sentAt.count - 1, onsetSample / 160)]
        let packets = heard.packets.withLock { $0 }
        let fillersEndMs = fillersEnd / 8
        let loudDuringFillers = packets.filter { ms($0.at) >= 0 && ms($0.at) < fillersEndMs && $0.peak > 1000 }.count
        let lastLoud = packets.last { $0.peak > 1000 }?.at ?? t0
        return (fillersEndMs, ms(onsetSent) + (onsetSample % 160) / 8, ms(lastLoud), loudDuringFillers)
    }
}
