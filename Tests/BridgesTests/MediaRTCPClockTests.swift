import Foundation
import Testing

@testable import Bridges

/// Sender reports carry the wall clock as an NTP timestamp (RFC 3550 §6.4.1), not 0.
@Suite struct MediaRTCPClockTests {
    @Test func ntpTimestampIsWallClockSince1900() {
        let ntp = CallMediaSession.ntpNow()
        let unix = Date().timeIntervalSince1970
        let seconds = Double(ntp >> 32) + Double(ntp & 0xFFFF_FFFF) / 4_294_967_296
        #expect(abs(seconds - 2_208_988_800 - unix) < 1)
    }
}
