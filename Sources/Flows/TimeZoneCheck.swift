import Foundation

/// Time-zone names accepted in flows (IANA identifiers known to Foundation, and UTC).
enum TimeZoneCheck {
    static func isKnown(_ identifier: String) -> Bool {
        identifier == "UTC" || identifier == "GMT" || TimeZone(identifier: identifier) != nil
            && identifier.count < 64
    }
}
