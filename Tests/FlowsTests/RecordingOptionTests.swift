// `recording:` — the per-flow opt-in for caller-audio recording (issue 7).
import Testing
@testable import Flows

@Suite struct RecordingOptionTests {
    static let body = "start: bye\nsteps:\n  bye: {hangup: done}\n"

    @Test func recordingIsOffByDefault() throws {
        let flow = try validFlow("name: plain\n" + Self.body)
        #expect(flow.recording == .none)
    }

    @Test func callerAudioAndNoneAreAccepted() throws {
        #expect(try validFlow("name: rec\nrecording: caller_audio\n" + Self.body).recording == .callerAudio)
        #expect(try validFlow("name: rec\nrecording: none\n" + Self.body).recording == .none)
        #expect(try validFlow("name: rec\nrecording: two_sided\n" + Self.body).recording == .twoSided)
    }

    @Test func badValuesAreReportedWithTheirPosition() {
        #expect(
            problems("name: rec\nrecording: caller_audo\n" + Self.body)
                == ["2:12: `recording` must be `none`, `caller_audio` or `two_sided`; did you mean `caller_audio`?"])
        #expect(
            problems("name: rec\nrecording: [caller_audio]\n" + Self.body).first?.hasPrefix("2:12: `recording`") == true)
        #expect(problems("name: rec\nrecording: yes\n" + Self.body).count == 1)
    }

    @Test func misspeltKeySuggestsRecording() {
        let found = problems("name: rec\nrecordng: caller_audio\n" + Self.body)
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("2:1: ") == true)
        #expect(found.first?.contains("`recording`") == true)
    }
}
