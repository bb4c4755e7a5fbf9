// Typed accessors for the common header fields. Getters parse on demand and return nil when the header is
// absent or malformed (the request validator reports malformed ones as 400 before the UA sees them).

extension SIPHeaders {
    /// All Via values, top first (across lines and commas). Nil if any is malformed.
    public var vias: [SIPVia]? {
        var result: [SIPVia] = []
        for value in values("Via") {
            let bytes = Array(value.utf8)
            guard let elements = SIPBytes.splitElements(bytes, 0..<bytes.count) else { return nil }
            for element in elements {
                guard let via = SIPVia.parse(bytes, element) else { return nil }
                result.append(via)
            }
        }
        return result
    }

    /// The topmost Via.
    public var topVia: SIPVia? {
        guard let first = self["Via"] else { return nil }
        let bytes = Array(first.utf8)
        guard let element = SIPBytes.splitElements(bytes, 0..<bytes.count)?.first else { return nil }
        return SIPVia.parse(bytes, element)
    }

    public var from: SIPNameAddress? {
        get { self["From"].flatMap { SIPNameAddress.parse(Substring($0)) } }
        set { if let newValue { set("From", newValue.serialized) } else { remove("From") } }
    }

    public var to: SIPNameAddress? {
        get { self["To"].flatMap { SIPNameAddress.parse(Substring($0)) } }
        set { if let newValue { set("To", newValue.serialized) } else { remove("To") } }
    }

    public var callID: String? {
        get { self["Call-ID"] }
        set { if let newValue { set("Call-ID", newValue) } else { remove("Call-ID") } }
    }

    public var cseq: SIPCSeq? {
        get { self["CSeq"].flatMap { try? SIPCSeq(parsing: $0) } }
        set { if let newValue { set("CSeq", newValue.serialized) } else { remove("CSeq") } }
    }

    public var maxForwards: Int? {
        get { self["Max-Forwards"].flatMap { SIPLexer.parseUInt(SIPLexer.trimmed(Substring($0)), max: 255) }.map(Int.init) }
        set { if let newValue { set("Max-Forwards", String(newValue)) } else { remove("Max-Forwards") } }
    }

    /// Content-Length as written (the serializer always writes the body's real length).
    public var contentLength: Int? {
        self["Content-Length"].flatMap { SIPLexer.parseUInt(SIPLexer.trimmed(Substring($0)), max: UInt64(Int32.max)) }.map(Int.init)
    }

    /// Content-Type media type, lowercased, without parameters (`application/sdp`).
    public var contentType: String? {
        guard let value = self["Content-Type"] else { return nil }
        let type = value.split(separator: ";", maxSplits: 1).first.map { SIPLexer.trimmed($0) } ?? ""
        return String(type.lowercased().filter { $0 != " " && $0 != "\t" })
    }

    /// All Contact values (nil if malformed; `Contact: *` gives an empty list).
    public var contacts: [SIPNameAddress]? { nameAddresses("Contact") }

    /// The first Contact.
    public var contact: SIPNameAddress? { contacts?.first }

    /// Record-Route values in order (nil if malformed).
    public var recordRoutes: [SIPNameAddress]? { nameAddresses("Record-Route") }

    /// Route values in order (nil if malformed).
    public var routes: [SIPNameAddress]? { nameAddresses("Route") }

    /// Comma-separated tokens of a list header (`Allow`, `Supported`, `Require`), trimmed.
    public func tokens(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",").map { String(SIPLexer.trimmed($0)) } }.filter { !$0.isEmpty }
    }

    /// Parses every comma-separated value of `name` as a name-addr.
    public func nameAddresses(_ name: String) -> [SIPNameAddress]? {
        var result: [SIPNameAddress] = []
        for value in values(name) {
            let bytes = Array(value.utf8)
            guard let elements = SIPBytes.splitElements(bytes, 0..<bytes.count) else { return nil }
            if elements.count == 1, elements[0].count == 1, bytes[elements[0].lowerBound] == UInt8(ascii: "*") { continue }
            for element in elements {
                guard let address = SIPNameAddress.parse(bytes, element) else { return nil }
                result.append(address)
            }
        }
        return result
    }
}

extension SIPRequest {
    public var callID: String? { headers.callID }
    public var cseq: SIPCSeq? { headers.cseq }
    public var from: SIPNameAddress? { headers.from }
    public var to: SIPNameAddress? { headers.to }
    public var topVia: SIPVia? { headers.topVia }
}

extension SIPResponse {
    public var callID: String? { headers.callID }
    public var cseq: SIPCSeq? { headers.cseq }
    public var from: SIPNameAddress? { headers.from }
    public var to: SIPNameAddress? { headers.to }
    public var topVia: SIPVia? { headers.topVia }
}
