// The UAS front door's checks (RFC 3261 §8.2, RFC 4475): decides whether a parsed request is accepted or
// answered at once with 400/405/406/415/416/420/505, and whether a response is kept or dropped.

/// What this UAS supports; drives the validator's answers.
public struct SIPPolicy: Sendable, Hashable {
    /// Methods answered normally; others get 405 with `Allow` (REGISTER: we are not a registrar).
    public var allowedMethods: [SIPMethod]
    /// Option tags understood in `Require` (everything else: 420 with `Unsupported`).
    public var supportedExtensions: [String]
    /// Request-URI schemes served (others: 416).
    public var supportedSchemes: [String]

    public init(
        allowedMethods: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .info, .notify],
        supportedExtensions: [String] = ["replaces", "norefersub"],
        supportedSchemes: [String] = ["sip", "sips", "tel"]
    ) {
        self.allowedMethods = allowedMethods
        self.supportedExtensions = supportedExtensions
        self.supportedSchemes = supportedSchemes
    }

    /// Body types accepted for `method` (listed in `Accept` of a 415).
    public func acceptedContentTypes(for method: SIPMethod) -> [String] {
        switch method {
        case .invite, .ack, .update, .prack: ["application/sdp", "multipart/mixed"]
        case .info: ["application/dtmf-relay", "application/dtmf"]
        case .notify: ["message/sipfrag"]
        default: ["application/sdp", "message/sipfrag", "application/dtmf-relay", "text/plain", "multipart/mixed"]
        }
    }

    /// `Allow` header value.
    public var allowHeader: String { allowedMethods.map(\.rawValue).joined(separator: ", ") }
}

/// An immediate answer to a request that the UA core should not see.
public struct SIPRejection: Sendable, Hashable, Error {
    public var statusCode: Int
    public var reason: String
    /// Headers to add (Allow, Accept, Unsupported …).
    public var headers: SIPHeaders

    public init(_ statusCode: Int, _ reason: String? = nil, headers: SIPHeaders = SIPHeaders()) {
        self.statusCode = statusCode
        self.reason = reason ?? SIPResponse.defaultReason(for: statusCode)
        self.headers = headers
    }

    /// The response to send for `request`.
    public func response(to request: SIPRequest, toTag: String?) -> SIPResponse {
        request.makeResponse(statusCode, reason: reason, toTag: toTag, headers: headers)
    }
}

/// Pure request/response validation.
public struct SIPRequestValidator: Sendable {
    public var policy: SIPPolicy

    public init(policy: SIPPolicy = SIPPolicy()) { self.policy = policy }

    /// Via, From, To, Call-ID, CSeq must be present (first five); all but Via must not repeat.
    static let watchedHeaders = ["Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards", "Content-Type", "Content-Length"]

    /// nil = accept; otherwise the rejection to send (for ACK, drop instead of answering).
    public func check(_ request: SIPRequest) -> SIPRejection? {
        let headers = request.headers
        guard request.version == SIP.version else { return SIPRejection(505) }
        // One pass over the fields: required headers present, single-value headers not repeated.
        let watched = SIPRequestValidator.watchedHeaders
        var counts = [Int](repeating: 0, count: watched.count)
        for field in headers.fields {
            for (index, name) in watched.enumerated() where field.name.utf8.count == name.utf8.count && field.name == name {
                counts[index] += 1
                break
            }
        }
        for index in 0..<5 where counts[index] == 0 { return SIPRejection(400, "Missing \(watched[index]) header") }
        for index in 1..<watched.count where counts[index] > 1 { return SIPRejection(400, "Multiple \(watched[index]) values") }
        guard let vias = headers.vias, !vias.isEmpty else { return SIPRejection(400, "Malformed Via") }
        guard headers.from != nil else { return SIPRejection(400, "Malformed From") }
        guard headers.to != nil else { return SIPRejection(400, "Malformed To") }
        guard let cseq = headers.cseq else { return SIPRejection(400, "Malformed CSeq") }
        if headers.contains("Max-Forwards"), headers.maxForwards == nil { return SIPRejection(400, "Malformed Max-Forwards") }
        for name in ["Contact", "Route", "Record-Route"] where headers.contains(name) && headers.nameAddresses(name) == nil {
            return SIPRejection(400, "Malformed \(name)")
        }
        if let date = headers["Date"], !date.hasSuffix(" GMT") { return SIPRejection(400, "Malformed Date") }
        if let expires = headers["Expires"], SIPLexer.parseUInt(SIPLexer.trimmed(Substring(expires)), max: UInt64(UInt32.max)) == nil {
            return SIPRejection(400, "Malformed Expires")
        }
        guard cseq.method == request.method else { return SIPRejection(400, "CSeq method does not match") }
        if request.uri.isSIP, !request.uri.headers.isEmpty { return SIPRejection(400, "Headers in Request-URI") }

        guard policy.allowedMethods.contains(request.method) else {
            var extra = SIPHeaders()
            extra.add("Allow", policy.allowHeader)
            return SIPRejection(405, headers: extra)
        }
        guard policy.supportedSchemes.contains(request.uri.scheme) else { return SIPRejection(416) }
        if request.method != .ack && request.method != .cancel {
            let unsupported = headers.tokens("Require").filter { tag in
                !policy.supportedExtensions.contains { SIPLexer.equalsIgnoringCase($0, tag) }
            }
            if !unsupported.isEmpty {
                var extra = SIPHeaders()
                extra.add("Unsupported", unsupported.joined(separator: ", "))
                return SIPRejection(420, headers: extra)
            }
        }
        let accepted = policy.acceptedContentTypes(for: request.method)
        if !request.body.isEmpty {
            let type = headers.contentType ?? ""
            if !accepted.contains(type) {
                var extra = SIPHeaders()
                extra.add("Accept", accepted.joined(separator: ", "))
                return SIPRejection(415, headers: extra)
            }
            if let encoding = headers["Content-Encoding"], !SIPLexer.equalsIgnoringCase(SIPLexer.trimmed(Substring(encoding)), "identity") {
                var extra = SIPHeaders()
                extra.add("Accept-Encoding", "identity")
                return SIPRejection(415, headers: extra)
            }
        }
        if request.method == .invite, headers.contains("Accept") {
            let types = headers.tokens("Accept").map { $0.split(separator: ";").first.map { String(SIPLexer.trimmed($0)).lowercased() } ?? "" }
            if !types.contains(where: { ["application/sdp", "application/*", "*/*"].contains($0) }) {
                var extra = SIPHeaders()
                extra.add("Accept", "application/sdp")
                return SIPRejection(406, headers: extra)
            }
        }
        return nil
    }

    /// Whether a response should be passed on (true) or silently dropped (false): exactly one Via
    /// (RFC 3261 §8.1.3.3), version 2.0, and readable From/To/Call-ID/CSeq.
    public func accepts(_ response: SIPResponse) -> Bool {
        let headers = response.headers
        guard response.version == SIP.version, let vias = headers.vias, vias.count == 1 else { return false }
        for name in ["From", "To", "Call-ID", "CSeq"] where headers.values(name).count != 1 { return false }
        return headers.from != nil && headers.to != nil && headers.cseq != nil
    }
}
