// `barge_in:` — the per-flow barge-in switch and thresholds (issue 14).
import Testing
@testable import Flows

@Suite struct BargeInOptionTests {
    static let body = "start: bye\nsteps:\n  bye: {hangup: done}\n"

    @Test func absentMeansTheEngineDefaults() throws {
        #expect(try validFlow("name: plain\n" + Self.body).bargeIn == nil)
    }

    @Test func falseTurnsItOffAndAMappingSetsThresholds() throws {
        #expect(try validFlow("name: b\nbarge_in: false\n" + Self.body).bargeIn == FlowBargeIn(enabled: false))
        let flow = try validFlow(
            "name: b\nbarge_in: {min_speech_ms: 120, sustained_speech_ms: 900, loudness_margin_db: 6}\n" + Self.body)
        #expect(flow.bargeIn == FlowBargeIn(minSpeechMs: 120, sustainedSpeechMs: 900, loudnessMarginDB: 6))
    }

    @Test func badValuesAreReportedWithTheirPosition() {
        #expect(problems("name: b\nbarge_in: maybe\n" + Self.body) == ["2:11: `barge_in` must be true or false"])
        let unknown = problems("name: b\nbarge_in: {min_speech: 100}\n" + Self.body)
        #expect(unknown.count == 1 && unknown.first?.contains("min_speech_ms") == true, "\(unknown)")
        #expect(
            problems("name: b\nbarge_in: {min_speech_ms: 5}\n" + Self.body)
                == ["2:27: `barge_in.min_speech_ms` must be between 20 and 5000, found 5"])
        #expect(
            problems("name: b\nbarge_in: {min_speech_ms: 500, sustained_speech_ms: 300}\n" + Self.body).first?
                .contains("shorter than `min_speech_ms`") == true)
    }
}
