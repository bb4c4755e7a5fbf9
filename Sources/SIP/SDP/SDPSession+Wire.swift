// SDP parsing and serialization.

import Foundation

extension SDPSession {
    /// Parses an SDP body. Accepts CRLF or LF line ends; lines it does not interpret are kept.
    public init(parsing text: String) throws(SIPParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    public init(parsing bytes: [UInt8]) throws(SIPParseError) {
        func bad(_ reason: String, _ line: Range<Int>? = nil) -> SIPParseError {
            SIPParseError(.badSDP, reason, detail: line.map { SIPBytes.string(bytes, $0) })
        }
        func words(_ range: Range<Int>) -> [String] {
            var result: [String] = []
            var start = range.lowerBound
            for index in range where bytes[index] == 0x20 {
                if index > start { result.append(SIPBytes.string(bytes, start..<index)) }
                start = index + 1
            }
            if start < range.upperBound { result.append(SIPBytes.string(bytes, start..<range.upperBound)) }
            return result
        }
        var session = SDPSession(origin: SDPOrigin(sessionID: "0", sessionVersion: 0, address: "0.0.0.0"))
        var origin: SDPOrigin?
        var current: SDPMedia?
        var sawVersion = false
        var position = 0
        while position < bytes.count {
            let lineFeed = SIPBytes.find(0x0A, in: bytes, position..<bytes.count) ?? bytes.count
            var end = lineFeed
            while end > position, bytes[end - 1] == 0x0D || bytes[end - 1] == 0x20 { end -= 1 }
            let line = position..<end
            position = lineFeed + 1
            if line.isEmpty { continue }
            guard line.count >= 2, SIPLexer.isAlpha(bytes[line.lowerBound]), bytes[line.lowerBound + 1] == UInt8(ascii: "=") else {
                throw bad("malformed SDP line", line)
            }
            let type = bytes[line.lowerBound]
            let valueRange = (line.lowerBound + 2)..<line.upperBound
            if !sawVersion {
                guard type == UInt8(ascii: "v"), valueRange.count == 1, bytes[valueRange.lowerBound] == UInt8(ascii: "0") else {
                    throw bad("SDP must start with v=0")
                }
                sawVersion = true
                continue
            }
            switch type {
            case UInt8(ascii: "o"):
                let parts = words(valueRange)
                guard parts.count == 6, let version = UInt64(parts[2]) else { throw bad("malformed o= line", line) }
                var parsed = SDPOrigin(username: parts[0], sessionID: parts[1], sessionVersion: version, address: parts[5], addressType: parts[4])
                parsed.netType = parts[3]
                origin = parsed
            case UInt8(ascii: "s"): session.sessionName = SIPBytes.string(bytes, valueRange)
            case UInt8(ascii: "t"): session.timing = SIPBytes.string(bytes, valueRange)
            case UInt8(ascii: "c"):
                let parts = words(valueRange)
                guard parts.count == 3 else { throw bad("malformed c= line", line) }
                let address = parts[2].split(separator: "/").first.map(String.init) ?? parts[2]
                var connection = SDPConnection(address: address, addressType: parts[1])
                connection.netType = parts[0]
                if current != nil { current?.connection = connection } else { session.connection = connection }
            case UInt8(ascii: "m"):
                if let media = current { session.media.append(media) }
                let parts = words(valueRange)
                guard parts.count >= 4 else { throw bad("malformed m= line", line) }
                let portParts = parts[1].split(separator: "/")
                guard let portText = portParts.first, let port = Int(portText), (0...65535).contains(port) else { throw bad("bad m= port", line) }
                var media = SDPMedia(type: parts[0], port: port, proto: parts[2], formats: Array(parts[3...]))
                if portParts.count == 2 { media.portCount = Int(portParts[1]) }
                current = media
            case UInt8(ascii: "a"):
                let attribute: SDPAttribute
                if let colon = SIPBytes.find(UInt8(ascii: ":"), in: bytes, valueRange) {
                    attribute = SDPAttribute(SIPBytes.string(bytes, valueRange.lowerBound..<colon), SIPBytes.string(bytes, (colon + 1)..<valueRange.upperBound))
                } else {
                    attribute = SDPAttribute(SIPBytes.string(bytes, valueRange))
                }
                if current != nil { current?.attributes.append(attribute) } else { session.attributes.append(attribute) }
            case UInt8(ascii: "v"): throw bad("duplicate v= line", line)
            default:
                let other = SDPLine(Character(Unicode.Scalar(type)), SIPBytes.string(bytes, valueRange))
                if current != nil { current?.otherLines.append(other) } else { session.otherLines.append(other) }
            }
        }
        guard sawVersion else { throw bad("SDP must start with v=0") }
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
