// Wire (pure, Foundation only): the error bodies providers send, in both shapes: OpenAI's
// `{"error": {"message", "type", "param", "code"}}` and AI/ML API's top-level `{message, statusCode, ...}`.
public import Foundation
public import SwitchboardCore

/// What a provider said went wrong.
public struct APIErrorBody: Sendable, Equatable {
    public var message: String
    public var type: String?
    public var code: String?
    public var param: String?
    public var statusCode: Int?

    public init(message: String, type: String? = nil, code: String? = nil, param: String? = nil, statusCode: Int? = nil) {
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.statusCode = statusCode
    }

    /// Reads either shape from a parsed JSON value; `nil` when it holds no error.
    public init?(json: JSONValue) {
        if let error = json["error"] {
            if let text = error.stringValue {
                self.init(message: text)
                return
            }
            guard error.objectValue != nil else { return nil }
            self.init(
                message: error["message"]?.stringValue ?? "unknown error",
                type: error["type"]?.stringValue,
                code: error["code"]?.stringValue ?? error["code"]?.intValue.map(String.init),
                param: error["param"]?.stringValue,
                statusCode: error["status"]?.intValue ?? error["statusCode"]?.intValue)
            return
        }
        guard json["choices"] == nil else { return nil }
        let message: String? =
            json["message"]?.stringValue
            ?? json["message"]?.arrayValue?.compactMap(\.stringValue).joined(separator: "; ")
        guard let message else { return nil }
        self.init(
            message: message,
            type: json["error_type"]?.stringValue ?? json["type"]?.stringValue,
            code: json["code"]?.stringValue,
            statusCode: json["statusCode"]?.intValue ?? json["status"]?.intValue)
    }

    /// Reads an error body; `nil` when the bytes are not JSON or hold no error.
    public init?(data: Data) {
        guard let json = try? JSONValue.parse(data) else { return nil }
        self.init(json: json)
    }
}
