// CallEngine: a `send_dtmf` step on a live call — out of band when the transport can (RFC 4733, SIP INFO),
// else the tones in band through the outbound queue; the flow goes on once the digits are out.
import Audio
import Flows

extension CallSession {
    /// Sends `text` (digits and `w` pauses) and returns once it has been sent.
    func sendDigits(_ text: String) async {
        let plan = DTMFOutPlan(text)
        guard !plan.parts.isEmpty, !callerGone else { return }
        // Whatever is still queued (a prompt's tail) goes first: digits follow the audio, as on a phone.
        var waited = 0
        while media.outbound.isPlaying, waited < 3_000 {
            try? await clock.sleep(for: .milliseconds(20))
            waited += 20
        }
        var methods: [DTMFSendMethod] = []
        for part in plan.parts {
            guard !callerGone, !isEnded else { return }
            switch part {
            case .pauseMs(let ms):
                try? await clock.sleep(for: .milliseconds(ms))
            case .digits(let digits):
                if let sender = media as? any DTMFSending, let method = await sender.sendDigitsOutOfBand(digits) {
                    methods.append(method)
                } else {
                    let samples = DTMFOutPlan(digits).inBandSamples(sampleRate: sampleRate)
                    media.play(samples)
                    try? await clock.sleep(for: .milliseconds(samples.count * 1000 / max(1, sampleRate)))
                    methods.append(.inBand)
                }
            }
        }
        let via = Set(methods.map(\.rawValue)).sorted().joined(separator: "+")
        log(.note(kind: "dtmf_out", detail: "\(plan.digits) via \(via.isEmpty ? "nothing" : via)"))
    }
}
