import Yams
import SwitchboardCore

extension FlowDecoder {
    static let flowKeys = [
        "name", "version", "description", "defaults", "tools", "routes", "hours", "vars", "start", "steps",
        "on_error", "on_hangup", "recording", "barge_in",
    ]

    /// Decodes the whole document; returns a flow when its skeleton (name, start, steps) is usable.
    mutating func decodeFlow(_ root: Node) -> Flow? {
        index.rootPosition = position(root)
        guard let pairs = mapping(root, "the flow", allowed: Self.flowKeys) else { return nil }
        let byKey = Dictionary(pairs.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var flowName = ""
        if let node = byKey["name"]?.value { flowName = string(node, "`name`") ?? "" } else {
            error(index.rootPosition, "missing `name` of the flow")
        }
        var version: String?
        if let node = byKey["version"]?.value { version = string(node, "`version`") }
        var description: String?
        if let node = byKey["description"]?.value { description = string(node, "`description`") }
        if let node = byKey["defaults"]?.value { decodeDefaults(node) }
        var recording = FlowRecording.none
        if let node = byKey["recording"]?.value { recording = decodeRecording(node) }
        var bargeIn: FlowBargeIn?
        if let node = byKey["barge_in"]?.value { bargeIn = decodeBargeIn(node) }
        if let node = byKey["routes"]?.value { routeNames = (mapping(node, "`routes`") ?? []).map(\.key) }
        var hours: [String: BusinessHours] = [:]
        if let node = byKey["hours"]?.value { hours = decodeHours(node) }
        var routes: [String: Route] = [:]
        if let node = byKey["routes"]?.value { routes = decodeRoutes(node) }
        var tools: [String: ToolDeclaration] = [:]
        var toolOrder: [String] = []
        if let node = byKey["tools"]?.value { (tools, toolOrder) = decodeTools(node) }
        var vars: [String: JSONValue] = [:]
        if let node = byKey["vars"]?.value, let entries = mapping(node, "`vars`") {
            for entry in entries {
                guard VariablePath.isIdentifier(Substring(entry.key)) else {
                    error(entry.keyNode, "variable name `\(entry.key)` must be letters, digits and `_`")
                    continue
                }
                vars[entry.key] = json(entry.value)
                index.varDefs.insert(entry.key)
            }
        }
        var start = ""
        if let node = byKey["start"]?.value {
            start = stepRef(node, "`start`", from: nil) ?? ""
        } else {
            error(index.rootPosition, "missing `start`: name the first step of the flow")
        }
        var onError: String?
        if let node = byKey["on_error"]?.value { onError = stepRef(node, "`on_error`", from: nil) }
        var onHangup: String?
        if let node = byKey["on_hangup"]?.value { onHangup = stepRef(node, "`on_hangup`", from: nil) }
        var steps: [String: Step] = [:]
        if let node = byKey["steps"]?.value {
            if let entries = mapping(node, "`steps`") {
                if entries.isEmpty { error(node, "`steps` is empty") }
                for entry in entries {
                    index.stepOrder.append(entry.key)
                    if let step = decodeStep(name: entry.key, keyNode: entry.keyNode, node: entry.value, tools: tools) {
                        steps[entry.key] = step
                    }
                }
            }
        } else {
            error(index.rootPosition, "missing `steps`")
        }
        return Flow(
            name: flowName, version: version, description: description, defaults: defaults, tools: tools,
            toolOrder: toolOrder, routes: routes, hours: hours, vars: vars, start: start, steps: steps,
            onError: onError, onHangup: onHangup, recording: recording, bargeIn: bargeIn)
    }

    /// `recording: none | caller_audio | two_sided`; a bad value is reported and recording stays off.
    mutating func decodeRecording(_ node: Node) -> FlowRecording {
        guard let text = string(node, "`recording`") else { return .none }
        guard let mode = FlowRecording(rawValue: text) else {
            let names = FlowRecording.allCases.map(\.rawValue)
            error(node, "`recording` must be `none`, `caller_audio` or `two_sided`\(didYouMean(text, among: names))")
            return .none
        }
        return mode
    }

    mutating func decodeDefaults(_ node: Node) {
        let keys = ["voice", "model", "language", "tts", "timezone", "timeouts"]
        guard let pairs = mapping(node, "`defaults`", allowed: keys) else { return }
        for (key, _, value) in pairs {
            switch key {
            case "voice": defaults.voice = string(value, "`defaults.voice`")
            case "model": defaults.model = string(value, "`defaults.model`")
            case "language": defaults.language = string(value, "`defaults.language`")
            case "tts":
                if let tts = string(value, "`defaults.tts`") {
                    if ["espeak", "model"].contains(tts) { defaults.tts = tts } else {
                        error(value, "`defaults.tts` must be `espeak` or `model`\(didYouMean(tts, among: ["espeak", "model"]))")
                    }
                }
            case "timezone":
                if let zone = string(value, "`defaults.timezone`") {
                    if checkTimeZone(zone, value) { defaults.timezone = zone }
                }
            default: decodeTimeouts(value)
            }
        }
    }

    mutating func decodeTimeouts(_ node: Node) {
        let keys = ["no_input_ms", "inter_digit_ms", "silence_ms", "record_silence_ms"]
        guard let pairs = mapping(node, "`defaults.timeouts`", allowed: keys) else { return }
        for (key, _, value) in pairs {
            guard let millis = int(value, "`\(key)`", range: 100...600_000) else { continue }
            switch key {
            case "no_input_ms": defaults.timeouts.noInputMs = millis
            case "inter_digit_ms": defaults.timeouts.interDigitMs = millis
            case "silence_ms": defaults.timeouts.silenceMs = millis
            default: defaults.timeouts.recordSilenceMs = millis
            }
        }
    }

    mutating func checkTimeZone(_ zone: String, _ node: Node) -> Bool {
        guard TimeZoneCheck.isKnown(zone) else {
            error(node, "unknown time zone `\(zone)` (use an IANA name such as Europe/Berlin or America/New_York)")
            return false
        }
        return true
    }

    mutating func decodeHours(_ node: Node) -> [String: BusinessHours] {
        var tables: [String: BusinessHours] = [:]
        for entry in mapping(node, "`hours`") ?? [] {
            guard let pairs = mapping(entry.value, "hours `\(entry.key)`") else { continue }
            var table = BusinessHours(name: entry.key, timezone: "UTC", week: Array(repeating: [], count: 7), holidays: [])
            var sawZone = false
            for (key, keyNode, value) in pairs {
                switch key {
                case "tz", "timezone":
                    sawZone = true
                    if let zone = string(value, "`tz`"), checkTimeZone(zone, value) { table.timezone = zone }
                case "holidays":
                    for item in sequence(value, "`holidays`") ?? [] {
                        guard let date = string(item, "a holiday"), date.count == 10, date.split(separator: "-").count == 3 else {
                            error(item, "holidays are dates written YYYY-MM-DD")
                            continue
                        }
                        table.holidays.append(date)
                    }
                default:
                    guard let days = BusinessHours.parseDays(key) else {
                        let names = BusinessHours.dayNames + ["mon-fri", "tz", "holidays"]
                        error(keyNode, "unknown key `\(key)` in hours `\(entry.key)`: expected a day (mon … sun), a range like mon-fri, `tz` or `holidays`\(didYouMean(key, among: names))")
                        continue
                    }
                    guard let text = string(value, "opening hours"), let spans = BusinessHours.parseSpans(text) else {
                        if case .scalar = value { error(value, "opening hours must look like \"09:00-17:00\", \"09:00-12:00, 13:00-17:00\", \"22:00-02:00\" (past midnight) or \"closed\"") }
                        continue
                    }
                    for day in days { table.week[day] = spans }
                }
            }
            if !sawZone { error(entry.keyNode, "hours `\(entry.key)` needs `tz` (an IANA time zone)") }
            tables[entry.key] = table
        }
        return tables
    }

    mutating func decodeRoutes(_ node: Node) -> [String: Route] {
        var routes: [String: Route] = [:]
        for entry in mapping(node, "`routes`") ?? [] {
            var route = Route(name: entry.key, uri: "", hours: nil, overflow: nil)
            if case .scalar = entry.value {
                route.uri = string(entry.value, "route URI") ?? ""
                checkURI(route.uri, entry.value)
            } else if let pairs = mapping(entry.value, "route `\(entry.key)`", allowed: ["uri", "hours", "overflow"]) {
                for (key, _, value) in pairs {
                    switch key {
                    case "uri":
                        route.uri = string(value, "`uri`") ?? ""
                        checkURI(route.uri, value)
                    case "hours":
                        route.hours = string(value, "`hours`")
                        index.hoursRefs.append((route.hours, position(value)))
                    default:
                        route.overflow = string(value, "`overflow`")
                        if let overflow = route.overflow {
                            index.routeRefs.append(FlowIndex.Reference(name: overflow, position: position(value), from: nil))
                        }
                    }
                }
                if !pairs.contains(where: { $0.key == "uri" }) { error(entry.keyNode, "route `\(entry.key)` needs a `uri`") }
            }
            routes[entry.key] = route
        }
        return routes
    }

    mutating func checkURI(_ uri: String, _ node: Node) {
        let schemes = ["sip:", "sips:", "tel:"]
        if !schemes.contains(where: { uri.lowercased().hasPrefix($0) }) || uri.count < 5 || uri.contains(" ") {
            error(node, "`\(uri)` is not a SIP URI (expected sip:user@host, sips:… or tel:+number)")
        }
    }
}
