// ModelClientTests: checks a request body against the request schema of reference/openai-audio-chat.md
// (required fields, allowed voices and formats, message roles and shapes, tools). Returns every problem found.
import Foundation

enum RequestSchemaValidator {
    static let topLevelKeys: Set<String> = [
        "model", "modalities", "audio", "stream", "stream_options", "messages", "tools", "tool_choice",
        "parallel_tool_calls", "max_completion_tokens", "max_tokens", "temperature",
    ]
    static let audioFormats: Set<String> = ["wav", "mp3", "flac", "opus", "pcm16"]

    static func validate(_ body: [UInt8], allowedVoices: [String]) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)), let root = object as? [String: Any] else {
            return ["body is not a JSON object"]
        }
        var problems: [String] = []
        func fail(_ text: String) { problems.append(text) }
        for key in root.keys where !topLevelKeys.contains(key) { fail("unknown top-level field '\(key)'") }
        if (root["model"] as? String)?.isEmpty ?? true { fail("model must be a non-empty string") }
        let modalities = root["modalities"] as? [String]
        if modalities == nil || modalities?.isEmpty == true || !Set(modalities ?? []).isSubset(of: ["text", "audio"]) {
            fail("modalities must be a non-empty subset of [text, audio]")
        }
        let stream = root["stream"] as? Bool ?? false
        if root["stream"] != nil, !(root["stream"] is Bool) { fail("stream must be a boolean") }
        if modalities?.contains("audio") == true {
            if let audio = root["audio"] as? [String: Any] {
                let voice = audio["voice"] as? String ?? ""
                if !allowedVoices.contains(voice) { fail("audio.voice '\(voice)' is not one of \(allowedVoices)") }
                let format = audio["format"] as? String ?? ""
                if !audioFormats.contains(format) { fail("audio.format '\(format)' is not allowed") }
                if stream, format != "pcm16" { fail("audio.format must be pcm16 when stream=true, got '\(format)'") }
            } else {
                fail("audio {voice, format} is required with the audio modality")
            }
        }
        if let options = root["stream_options"] {
            if !stream { fail("stream_options without stream=true") }
            if !((options as? [String: Any])?["include_usage"] is Bool) { fail("stream_options.include_usage must be a boolean") }
        }
        let toolNames = validateTools(root, fail: fail)
        validateMessages(root["messages"], fail: fail)
        if let choice = root["tool_choice"] {
            if toolNames.isEmpty { fail("tool_choice without tools") }
            if let text = choice as? String {
                if !["auto", "none", "required"].contains(text) { fail("tool_choice '\(text)' is not allowed") }
            } else if let name = ((choice as? [String: Any])?["function"] as? [String: Any])?["name"] as? String {
                if !toolNames.contains(name) { fail("tool_choice names unknown tool '\(name)'") }
            } else {
                fail("tool_choice has a bad shape")
            }
        }
        if root["parallel_tool_calls"] != nil, !(root["parallel_tool_calls"] is Bool) { fail("parallel_tool_calls must be a boolean") }
        for key in ["max_completion_tokens", "max_tokens"] where root[key] != nil {
            guard let value = root[key] as? Int, (1...16_384).contains(value) else {
                fail("\(key) must be an integer in 1...16384")
                continue
            }
        }
        if let temperature = root["temperature"] {
            guard let value = temperature as? Double, (0...2).contains(value) else {
                fail("temperature must be a number in 0...2")
                return problems
            }
        }
        return problems
    }

    private static func validateTools(_ root: [String: Any], fail: (String) -> Void) -> Set<String> {
        guard let value = root["tools"] else { return [] }
        guard let tools = value as? [[String: Any]], !tools.isEmpty else {
            fail("tools must be a non-empty array of objects")
            return []
        }
        var names: Set<String> = []
        for tool in tools {
            guard tool["type"] as? String == "function", let function = tool["function"] as? [String: Any] else {
                fail("each tool must be {type: function, function: {...}}")
                continue
            }
            let name = function["name"] as? String ?? ""
            if name.isEmpty || name.count > 64 || name.contains(where: { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                fail("tool name '\(name)' must match ^[a-zA-Z0-9_-]{1,64}$")
            }
            names.insert(name)
            if function["description"] != nil, !(function["description"] is String) { fail("tool description must be a string") }
            guard let parameters = function["parameters"] as? [String: Any], parameters["type"] as? String == "object" else {
                fail("tool '\(name)' needs function.parameters as a JSON schema object")
                continue
            }
        }
        return names
    }

    private static func validateMessages(_ value: Any?, fail: (String) -> Void) {
        guard let messages = value as? [[String: Any]], !messages.isEmpty else {
            fail("messages must be a non-empty array of objects")
            return
        }
        var toolCallIDs: Set<String> = []
        for (index, message) in messages.enumerated() {
            let role = message["role"] as? String ?? ""
            let at = "messages[\(index)] (\(role))"
            if role != "user", containsInputAudio(message) { fail("\(at): input_audio is only allowed in user messages") }
            switch role {
            case "system", "developer":
                if !(message["content"] is String) { fail("\(at): content must be a string") }
            case "user":
                if message["content"] is String { break }
                guard let parts = message["content"] as? [[String: Any]], !parts.isEmpty else {
                    fail("\(at): content must be a string or a non-empty array of parts")
                    continue
                }
                for part in parts { validateUserPart(part, at: at, fail: fail) }
            case "assistant":
                let audioID = (message["audio"] as? [String: Any])?["id"] as? String
                let calls = message["tool_calls"] as? [[String: Any]] ?? []
                let content = message["content"]
                if audioID == nil, calls.isEmpty, !(content is String) { fail("\(at): needs audio.id, content or tool_calls") }
                if message["audio"] != nil, audioID == nil { fail("\(at): audio must be {id}") }
                if let content, !(content is String || content is NSNull) { fail("\(at): content must be a string or null") }
                for call in calls {
                    let function = call["function"] as? [String: Any]
                    guard let id = call["id"] as? String, call["type"] as? String == "function",
                        function?["name"] is String, let arguments = function?["arguments"] as? String
                    else {
                        fail("\(at): tool call must be {id, type: function, function: {name, arguments}}")
                        continue
                    }
                    if (try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) == nil {
                        fail("\(at): tool call arguments are not JSON")
                    }
                    toolCallIDs.insert(id)
                }
            case "tool":
                guard let id = message["tool_call_id"] as? String, toolCallIDs.contains(id) else {
                    fail("\(at): tool_call_id must name an earlier assistant tool call")
                    continue
                }
                if !(message["content"] is String) { fail("\(at): tool content must be a string") }
            default:
                fail("\(at): unknown role")
            }
        }
    }

    private static func validateUserPart(_ part: [String: Any], at: String, fail: (String) -> Void) {
        switch part["type"] as? String {
        case "text":
            if !(part["text"] is String) { fail("\(at): text part needs text") }
        case "input_audio":
            guard let audio = part["input_audio"] as? [String: Any], let data = audio["data"] as? String,
                let bytes = Data(base64Encoded: data), !bytes.isEmpty
            else {
                fail("\(at): input_audio needs base64 data")
                return
            }
            let format = audio["format"] as? String ?? ""
            if format != "wav" && format != "mp3" { fail("\(at): input_audio.format must be wav or mp3, got '\(format)'") }
            if format == "wav" {
                let header = [UInt8](bytes.prefix(44))
                let channels = header.count >= 24 ? Int(header[22]) | Int(header[23]) << 8 : 0
                let bits = header.count >= 36 ? Int(header[34]) | Int(header[35]) << 8 : 0
                if !(header.starts(with: Array("RIFF".utf8)) && channels == 1 && bits == 16) {
                    fail("\(at): input_audio must be a 16-bit mono WAV file")
                }
            }
        default:
            fail("\(at): unknown content part type")
        }
    }

    private static func containsInputAudio(_ value: Any) -> Bool {
        if let object = value as? [String: Any] {
            return object.keys.contains("input_audio") || object.values.contains { containsInputAudio($0) }
        }
        if let array = value as? [Any] { return array.contains { containsInputAudio($0) } }
        return false
    }
}
