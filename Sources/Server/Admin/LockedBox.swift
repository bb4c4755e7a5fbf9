// A lock-protected value in a class. Used instead of `Synchronization.Mutex`/`Atomic` stored properties:
// Swift 6.3.1 crashes in release builds (CopyPropagation, "Found outside of lifetime use") when a class
// holding a noncopyable `Atomic`/`Mutex` is deinitialized inside an inlined caller.
import Foundation

final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
