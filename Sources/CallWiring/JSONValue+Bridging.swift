// CallWiring: the modules each keep a small JSON value type (Flows, ModelClient, Tools) so that none imports
// another; these convert through JSON text, which all of them read and write the same way.
import Flows
import Foundation
import ModelClient
import Tools

extension Flows.JSONValue {
    init(_ value: ModelClient.JSONValue) {
        self = Flows.JSONValue.parse(value.jsonText()) ?? .null
    }

    init(_ value: Tools.JSONValue) {
        self = Flows.JSONValue.parse(value.jsonString) ?? .null
    }

    /// Flows' value as ModelClient's.
    var modelClientValue: ModelClient.JSONValue {
        (try? ModelClient.JSONValue.parse(jsonText)) ?? .null
    }
}
