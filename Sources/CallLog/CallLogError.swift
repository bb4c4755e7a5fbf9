// Typed errors of the call log: an opaque code plus a message a person can act on.

public struct CallLogError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }

        public static let notFound = Code(name: "notFound")
        public static let newerSchema = Code(name: "newerSchema")
        public static let badTimeSpec = Code(name: "badTimeSpec")
        public static let badCallID = Code(name: "badCallID")
        public static let ambiguousCallID = Code(name: "ambiguousCallID")
        public static let database = Code(name: "database")
        public static let closed = Code(name: "closed")
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
