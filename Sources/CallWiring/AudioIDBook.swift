// CallWiring: when each reply's audio id stops being usable. The provider keeps a reply's audio for about an
// hour (`expires_at` when it says so); an id is referenced only while at least a minute of that is left, so a
// long call sends the reply's transcript instead of an id the provider already dropped.
public import Foundation
import Synchronization

/// Expiry of the audio ids this process received. Unknown ids count as usable.
public final class AudioIDBook: Sendable {
    /// How long an id lives when the reply did not say (`expires_at` absent).
    public static let assumedLifetime: TimeInterval = 3600
    /// An id closer than this to its expiry is no longer referenced.
    public static let margin: TimeInterval = 60

    private let expiries = Mutex<[String: Date]>([:])

    public init() {}

    /// Notes the id of a reply received at `now`.
    public func note(id: String, expiresAt: Date?, now: Date) {
        let expiry = expiresAt ?? now.addingTimeInterval(Self.assumedLifetime)
        expiries.withLock { book in
            book[id] = expiry
            if book.count > 10_000 {
                book = book.filter { $0.value.addingTimeInterval(Self.assumedLifetime) > now }
            }
        }
    }

    /// Whether `id` may still be referenced at `now`.
    public func usable(_ id: String, now: Date) -> Bool {
        guard let expiry = expiries.withLock({ $0[id] }) else { return true }
        return expiry.timeIntervalSince(now) > Self.margin
    }
}
