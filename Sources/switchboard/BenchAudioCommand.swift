// `switchboard bench audio`: cost per 20 ms frame of each audio stage, and how many real-time channels one
// core carries at that cost (20 ms / cost). Run on a release build. Raw libopus calls are timed next to the
// Opus wrapper to show the wrapper's overhead.
import ArgumentParser
import Audio
import COpus

struct BenchAudioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio", abstract: "Audio codecs, resampler, DTMF, VAD per 20 ms frame.")

    @Option(help: "Seconds of audio per measurement round.") var seconds = 10
    @Option(help: "Rounds per stage (the fastest round is reported).") var rounds = 5

    func run() async throws {
        var bench = AudioBench(frames: max(1, seconds) * 50, rounds: max(1, rounds))
        print("switchboard bench audio — per 20 ms frame, best of \(bench.rounds) rounds of \(bench.frames) frames")
        print("libopus: \(Opus.version)")
        print(pad("stage", 44) + pad("ns/frame", 12, left: true) + pad("channels/core", 16, left: true))
        for row in try bench.runAll() {
            print(pad(row.name, 44) + pad(String(format1(row.ns)), 12, left: true)
                + pad(String(Int(20_000_000 / max(row.ns, 0.001))), 16, left: true))
        }
        let raw = bench.results
        if let e = raw["opus encode (libopus raw)"], let w = raw["opus encode c5 48k (wrapper, buffers)"] {
            print("opus encode wrapper vs raw: \(format1((w / e - 1) * 100)) %")
        }
        if let d = raw["opus decode (libopus raw)"], let w = raw["opus decode 48k (wrapper, buffers)"] {
            print("opus decode wrapper vs raw: \(format1((w / d - 1) * 100)) %")
        }
        print("checksum \(bench.sink)")
    }

    private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return left ? fill + s : s + fill
    }

    private func format1(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        return "\(r)"
    }
}
