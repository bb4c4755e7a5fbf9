// Serializes SIP messages to wire bytes. Content-Length is always written from the real body length.

extension SIPRequest {
    /// Wire bytes (CRLF line ends; Content-Length set to `body.count`).
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + headers.count * 48 + body.count)
        out.append(contentsOf: method.rawValue.utf8)
        out.append(0x20)
        uri.append(to: &out)
        out.append(0x20)
        out.append(contentsOf: version.utf8)
        out.append(0x0D)
        out.append(0x0A)
        SIPSerializer.appendHeaders(headers, bodyCount: body.count, to: &out)
        out.append(contentsOf: body)
        return out
    }
}

extension SIPResponse {
    /// Wire bytes (CRLF line ends; Content-Length set to `body.count`).
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + headers.count * 48 + body.count)
        out.append(contentsOf: version.utf8)
        out.append(0x20)
        SIPSerializer.appendDecimal(statusCode, to: &out)
        out.append(0x20)
        out.append(contentsOf: reason.utf8)
        out.append(0x0D)
        out.append(0x0A)
        SIPSerializer.appendHeaders(headers, bodyCount: body.count, to: &out)
        out.append(contentsOf: body)
        return out
    }
}

extension SIPMessage {
    /// Wire bytes of the request or response.
    public func serialized() -> [UInt8] {
        switch self {
        case .request(let request): request.serialized()
        case .response(let response): response.serialized()
        }
    }
}

/// Serialization helpers.
public enum SIPSerializer {
    static func appendHeaders(_ headers: SIPHeaders, bodyCount: Int, to out: inout [UInt8]) {
        var wroteLength = false
        for field in headers.fields {
            out.append(contentsOf: field.name.utf8)
            out.append(0x3A)
            out.append(0x20)
            if field.name.utf8.count == 14, field.name == "Content-Length" {
                if wroteLength {
                    out.removeLast(field.name.utf8.count + 2)
                    continue
                }
                wroteLength = true
                appendDecimal(bodyCount, to: &out)
            } else {
                out.append(contentsOf: field.value.utf8)
            }
            out.append(0x0D)
            out.append(0x0A)
        }
        if !wroteLength {
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(bodyCount, to: &out)
            out.append(0x0D)
            out.append(0x0A)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 else {
            out.append(contentsOf: String(value).utf8)
            return
        }
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(truncatingIfNeeded: rest / divisor) + 0x30)
            rest %= divisor
            divisor /= 10
        }
    }
}
