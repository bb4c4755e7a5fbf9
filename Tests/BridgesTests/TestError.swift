// BridgesTests: a failure a test helper throws.
struct TestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
