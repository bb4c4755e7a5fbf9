// Replay: results as JUnit XML, for CI systems that draw test reports.
import Foundation

/// The result of replaying one fixture.
public struct FixtureResult: Sendable {
    public var name: String
    public var folder: String
    /// Virtual duration of the call.
    public var callDurationMs: Int
    /// Wall-clock time the replay took.
    public var wallSeconds: Double
    public var failures: [ExpectationFailure]
    /// Set when the fixture could not be replayed at all (bad fixture, cassette mismatch).
    public var error: ReplayError?
    public var observed: ObservedCall?

    public var passed: Bool { failures.isEmpty && error == nil }

    public init(
        name: String, folder: String, callDurationMs: Int, wallSeconds: Double, failures: [ExpectationFailure],
        error: ReplayError?, observed: ObservedCall?
    ) {
        self.name = name
        self.folder = folder
        self.callDurationMs = callDurationMs
        self.wallSeconds = wallSeconds
        self.failures = failures
        self.error = error
        self.observed = observed
    }
}

public enum JUnitReport {
    public static func xml(_ results: [FixtureResult]) -> String {
        let failures = results.filter { !$0.failures.isEmpty && $0.error == nil }.count
        let errors = results.filter { $0.error != nil }.count
        let total = results.reduce(0) { $0 + $1.wallSeconds }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites>\n"
        out += "  <testsuite name=\"switchboard replay\" tests=\"\(results.count)\" failures=\"\(failures)\" "
        out += "errors=\"\(errors)\" time=\"\(format(total))\">\n"
        for result in results {
            out += "    <testcase classname=\"replay\" name=\"\(escape(result.name))\" time=\"\(format(result.wallSeconds))\""
            if result.passed {
                out += "/>\n"
                continue
            }
            out += ">\n"
            if let error = result.error {
                out += "      <error message=\"\(escape(error.message))\" type=\"\(error.code.rawValue)\"/>\n"
            } else {
                let text = result.failures.map(\.description).joined(separator: "\n")
                out += "      <failure message=\"\(result.failures.count) expectation(s) not met\">"
                out += escape(text) + "</failure>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func format(_ seconds: Double) -> String {
        String(format: "%.3f", seconds)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters even escaped.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r" { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
