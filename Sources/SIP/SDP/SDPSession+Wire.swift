// SDP parsing and serialization.

import Foundation

extension SDPSession {
    /// Parses an SDP body. Accepts CRLF or LF line ends; lines it does not interpret are kept.
    public init(parsing bytes: [UInt8]) throws(SIPParseError) {
        let text = String(decoding: bytes, as: UTF8.self)
        try self.init(parsing: text)
    }

    public init(parsing text: String) throws(SIPParseError) {
        func bad(_ reason: String, _ line: Substring? = nil) -> SIPParseError {
            SIPParseError(.badSDP, reason, detail: line.map(String.init))
        }
        var lines = text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        while let last = lines.last, SIPLexer.trimmed(last).isEmpty { lines.removeLast() }
        guard let first = lines.first, first == "v=0" else { throw bad("SDP must start with v=0") }
        var origin: SDPOrigin?
        var session = SDPSession(origin: SDPOrigin(sessionID: "0", sessionVersion: 0, address: "0.0.0.0"))
        var current: SDPMedia?
        for line in lines.dropFirst() {
            let utf8 = line.utf8
            guard utf8.count >= 2, let type = line.first, type.isLetter, utf8[utf8.index(after: utf8.startIndex)] == UInt8(ascii: "=") else {
                throw bad("malformed SDP line", line)
            }
            let value = String(line.dropFirst(2))
            switch type {
            case "o":
                let parts = value.split(separator: " ")
                guard parts.count == 6, let version = UInt64(parts[2]) else { throw bad("malformed o= line", line) }
                var parsed = SDPOrigin(username: String(parts[0]), sessionID: String(parts[1]), sessionVersion: version, address: String(parts[5]), addressType: String(parts[4]))
                parsed.netType = String(parts[3])
                origin = parsed
            case "s": session.sessionName = value
            case "t": session.timing = value
            case "c":
                let parts = value.split(separator: " ")
                guard parts.count == 3 else { throw bad("malformed c= line", line) }
                var connection = SDPConnection(address: String(parts[2].split(separator: "/").first ?? parts[2]), addressType: String(parts[1]))
                connection.netType = String(parts[0])
                if current != nil { current?.connection = connection } else { session.connection = connection }
            case "m":
                if let media = current { session.media.append(media) }
                let parts = value.split(separator: " ")
                guard parts.count >= 4 else { throw bad("malformed m= line", line) }
                let portParts = parts[1].split(separator: "/")
                guard let port = Int(portParts[0]), (0...65535).contains(port) else { throw bad("bad m= port", line) }
                var media = SDPMedia(type: String(parts[0]), port: port, proto: String(parts[2]), formats: parts[3...].map(String.init))
                if portParts.count == 2 { media.portCount = Int(portParts[1]) }
                current = media
            case "a":
                let attribute: SDPAttribute
                if let colon = value.firstIndex(of: ":") {
                    attribute = SDPAttribute(String(value[..<colon]), String(value[value.index(after: colon)...]))
                } else {
                    attribute = SDPAttribute(value)
                }
                if current != nil { current?.attributes.append(attribute) } else { session.attributes.append(attribute) }
            case "v": throw bad("duplicate v= line", line)
            default:
                if current != nil { current?.otherLines.append(SDPLine(type, value)) } else { session.otherLines.append(SDPLine(type, value)) }
            }
        }
        if let media = current { session.media.append(media) }
        guard let origin else { throw bad("missing o= line") }
        session.origin = origin
        self = session
    }

    /// Wire text with CRLF line ends.
    public var serializedText: String {
        var out = "v=\(version)\r\n"
        out += "o=\(origin.username) \(origin.sessionID) \(origin.sessionVersion) \(origin.netType) \(origin.addressType) \(origin.address)\r\n"
        out += "s=\(sessionName.isEmpty ? "-" : sessionName)\r\n"
        for line in otherLines where line.type != "b" && line.type != "z" && line.type != "k" && line.type != "r" {
            out += "\(line.type)=\(line.value)\r\n"
        }
        if let connection { out += "c=\(connection.netType) \(connection.addressType) \(connection.address)\r\n" }
        for line in otherLines where line.type == "b" { out += "b=\(line.value)\r\n" }
        out += "t=\(timing)\r\n"
        for line in otherLines where line.type == "r" || line.type == "z" || line.type == "k" { out += "\(line.type)=\(line.value)\r\n" }
        for attribute in attributes { out += SDPSession.line(attribute) }
        for media in self.media {
            let port = media.portCount.map { "\(media.port)/\($0)" } ?? "\(media.port)"
            out += "m=\(media.type) \(port) \(media.proto) \(media.formats.joined(separator: " "))\r\n"
            for line in media.otherLines where line.type == "i" { out += "i=\(line.value)\r\n" }
            if let connection = media.connection { out += "c=\(connection.netType) \(connection.addressType) \(connection.address)\r\n" }
            for line in media.otherLines where line.type != "i" { out += "\(line.type)=\(line.value)\r\n" }
            for attribute in media.attributes { out += SDPSession.line(attribute) }
        }
        return out
    }

    /// Wire bytes (a SIP body).
    public func serialized() -> [UInt8] { Array(serializedText.utf8) }

    static func line(_ attribute: SDPAttribute) -> String {
        attribute.value.map { "a=\(attribute.name):\($0)\r\n" } ?? "a=\(attribute.name)\r\n"
    }

    /// The SDP in a SIP body: `application/sdp` directly, or the first `application/sdp` part of a
    /// `multipart/mixed` body. Nil if there is none.
    public static func body(of headers: SIPHeaders, _ body: [UInt8]) -> [UInt8]? {
        guard !body.isEmpty else { return nil }
        let type = headers.contentType ?? "application/sdp"
        if type == "application/sdp" { return body }
        guard type.hasPrefix("multipart/"), let value = headers["Content-Type"],
            let boundaryParam = value.split(separator: ";").dropFirst().first(where: { SIPLexer.trimmed($0).lowercased().hasPrefix("boundary=") })
        else { return nil }
        let boundary = SIPLexer.unquote(SIPLexer.trimmed(boundaryParam).dropFirst("boundary=".count))
        let text = String(decoding: body, as: UTF8.self)
        for part in text.components(separatedBy: "--" + boundary).dropFirst() {
            guard let split = part.range(of: "\r\n\r\n") ?? part.range(of: "\n\n") else { continue }
            let partHeaders = part[..<split.lowerBound].lowercased()
            if partHeaders.contains("application/sdp") {
                var content = String(part[split.upperBound...])
                if content.hasSuffix("\r\n") { content.removeLast() }
                return Array(content.utf8)
            }
        }
        return nil
    }
}
