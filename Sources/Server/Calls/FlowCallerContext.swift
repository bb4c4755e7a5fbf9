// Server: what the INVITE says about a call beyond the caller's number, given to its flow — the caller's display
// name (`caller.name`) and the SIP header fields the flow asks for: a flow that declares `vars.sip_<name>`
// (e.g. `sip_x_account`, `sip_p_asserted_identity`, `sip_diversion`) gets that header's value (`X-Account`,
// `P-Asserted-Identity`, `Diversion`) in it, usable in templates, instructions and tool arguments.
import Flows
import Foundation
import SwitchboardCore

extension Flow {
    /// This flow with every declared `sip_<name>` variable set from the header field `<name>` (underscores
    /// read as dashes, any case) when the call's INVITE has it; `headers` is keyed by lower-case field name.
    /// Variables whose header is absent keep the value the flow declared.
    func fillingSIPHeaderVariables(_ headers: [String: String]) -> Flow {
        guard !headers.isEmpty else { return self }
        var flow = self
        for name in vars.keys where name.hasPrefix("sip_") && name.count > 4 {
            let field = name.dropFirst(4).lowercased().replacingOccurrences(of: "_", with: "-")
            if let value = headers[field] { flow.vars[name] = .string(value) }
        }
        return flow
    }
}

/// The caller's display name as a flow shows it: trimmed, without surrounding quotes, nil when empty.
func displayName(_ raw: String?) -> String? {
    guard var name = raw?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return nil }
    if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
    return name.isEmpty ? nil : String(name.prefix(200))
}

extension FlowCallFactory {
    /// This factory for a call whose INVITE named the caller `name` (From display name) and carried `headers`.
    public func withCaller(name: String?, headers: [String: String]) -> FlowCallFactory {
        var factory = self
        factory.callerName = displayName(name)
        factory.sipHeaders = headers
        return factory
    }
}
