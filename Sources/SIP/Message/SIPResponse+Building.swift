// Building responses from requests (RFC 3261 §8.2.6) and from parse errors.

extension SIPRequest {
    /// A response that copies Via (all, in order), From, To, Call-ID and CSeq, adding `toTag` to To when the
    /// request had none (not for 100 Trying). Extra headers are appended after those.
    public func makeResponse(_ statusCode: Int, reason: String? = nil, toTag: String? = nil, headers extra: SIPHeaders = SIPHeaders(), body: [UInt8] = []) -> SIPResponse {
        var headers = SIPHeaders()
        SIPResponse.copyDialogHeaders(from: self.headers, into: &headers, toTag: statusCode == 100 ? nil : toTag)
        for field in extra.fields { headers.appendField(field) }
        return SIPResponse(statusCode: statusCode, reason: reason, headers: headers, body: body)
    }
}

extension SIPResponse {
    /// `400 Bad Request` for an answerable parse error (nil when `error.isAnswerable` is false).
    public static func badRequest(for error: SIPParseError, toTag: String?) -> SIPResponse? {
        guard let context = error.responseHeaders else { return nil }
        var headers = SIPHeaders()
        copyDialogHeaders(from: context, into: &headers, toTag: toTag)
        return SIPResponse(statusCode: 400, reason: SIPResponse.safeReason(error.reason), headers: headers)
    }

    static func copyDialogHeaders(from source: SIPHeaders, into headers: inout SIPHeaders, toTag: String?) {
        for field in source.fields where field.name == "Via" { headers.appendField(field) }
        for name in ["From", "To", "Call-ID", "CSeq"] {
            guard let value = source[name] else { continue }
            if name == "To", let toTag, let to = SIPNameAddress.parse(Substring(value)), to.tag == nil {
                headers.appendCanonical(name, value + ";tag=" + toTag)
            } else {
                headers.appendCanonical(name, value)
            }
        }
    }

    /// Reason phrases may not carry CR/LF.
    static func safeReason(_ text: String) -> String {
        String(text.filter { $0 != "\r" && $0 != "\n" }.prefix(100))
    }
}
