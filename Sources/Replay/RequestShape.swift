// Replay: what must stay the same between a recorded request and the one the flow makes now. Audio bytes and
// wording of caller turns may differ (they come from the recording); the model, the instructions, the tools
// offered and the order of message roles may not.
import Flows
import Foundation
import ModelClient
import SwitchboardCore

struct RequestShape: Equatable {
    var model: String?
    var instructions: String?
    var tools: [String]
    var roles: [String]

    init(_ json: [String: JSONValue]) {
        if case .string(let model)? = json["model"] { self.model = model }
        var roles: [String] = []
        var instructions: String?
        if case .array(let messages)? = json["messages"] {
            for message in messages {
                guard case .string(let role)? = message["role"] else { continue }
                roles.append(role)
                if role == "system", instructions == nil, case .string(let text)? = message["content"] {
                    instructions = text
                }
            }
        }
        self.instructions = instructions
        self.roles = roles
        var tools: [String] = []
        if case .array(let list)? = json["tools"] {
            for tool in list {
                if case .string(let name)? = tool["function"]?["name"] { tools.append(name) }
            }
        }
        self.tools = tools.sorted()
    }

    init(_ request: ChatRequest) {
        let data = (try? request.jsonData()) ?? Data()
        if case .object(let json)? = try? JSONValue.parse(data) {
            self.init(json)
        } else {
            self.init([:])
        }
    }

    /// Readable differences, recorded side first.
    func differences(from now: RequestShape) -> [String] {
        var out: [String] = []
        if let model, let other = now.model, model != other {
            out.append("model differs: recorded \(model), now \(other)")
        }
        if instructions != now.instructions {
            out.append("instructions differ: recorded \(Self.quote(instructions)), now \(Self.quote(now.instructions))")
        }
        if tools != now.tools {
            out.append("tools differ: recorded [\(tools.joined(separator: ", "))], now [\(now.tools.joined(separator: ", "))]")
        }
        if roles != now.roles {
            out.append("messages differ: recorded [\(roles.joined(separator: ", "))], now [\(now.roles.joined(separator: ", "))]")
        }
        return out
    }

    static func quote(_ text: String?) -> String {
        guard let text else { return "(none)" }
        return text.count > 80 ? "\"\(text.prefix(77))...\"" : "\"\(text)\""
    }
}
