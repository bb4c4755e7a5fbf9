// The `/v1/audio/speech` wire format (issue 14): the request body, and replies as WAV (also with a streaming
// writer's placeholder length), as raw 24 kHz PCM, or as text (an error, never audio).
import Audio
import Foundation
import ModelClient
import Testing

@Suite struct SpeechClientTests {
    @Test func theRequestNamesModelVoiceTextAndFormat() throws {
        let body = SpeechClient.requestBody(text: "Hello.", model: "gpt-4o-mini-tts", voice: "alloy", speed: nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["model"] as? String == "gpt-4o-mini-tts")
        #expect(object["voice"] as? String == "alloy")
        #expect(object["input"] as? String == "Hello.")
        #expect(object["response_format"] as? String == "wav")
        #expect(object["speed"] == nil)
        let faster = SpeechClient.requestBody(text: "Hi", model: "m", voice: "v", speed: 1.2)
        #expect(String(decoding: faster, as: UTF8.self).contains("\"speed\":1.2"))
    }

    @Test func repliesDecodeAsWAVOrPCMAndTextIsRefused() throws {
        let samples: [Int16] = (0..<480).map { Int16($0 * 10) }
        var wav = WAVFile.serialize(WAVAudio(sampleRate: 24_000, samples: samples))
        #expect(try SpeechClient.decodeAudio(wav, pcmSampleRate: 24_000).samples == samples)
        // A streamed WAV: data length 0xFFFFFFFF, the data runs to the end.
        if let data = (0..<(wav.count - 4)).first(where: { wav[$0..<($0 + 4)].elementsEqual("data".utf8) }) {
            wav.replaceSubrange((data + 4)..<(data + 8), with: [0xFF, 0xFF, 0xFF, 0xFF])
        }
        let streamed = try SpeechClient.decodeAudio(wav, pcmSampleRate: 24_000)
        #expect(streamed.samples == samples && streamed.sampleRate == 24_000)
        let pcm = samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        let raw = try SpeechClient.decodeAudio(pcm, pcmSampleRate: 24_000)
        #expect(raw.samples == samples && raw.sampleRate == 24_000)
        #expect(throws: ModelClientError.self) {
            try SpeechClient.decodeAudio(Array(#"{"error":{"message":"no"}}"#.utf8), pcmSampleRate: 24_000)
        }
        #expect(throws: ModelClientError.self) { try SpeechClient.decodeAudio([], pcmSampleRate: 24_000) }
    }
}
