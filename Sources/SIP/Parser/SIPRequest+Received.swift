// RFC 3261 §18.2.1 and RFC 3581 (rport): stamping the top Via of a received request with the address it
// really came from, so responses go back through NATs to the source, not to the sent-by the peer believes in.

extension SIPRequest {
    /// The request with its top Via stamped: `received=<source host>` when the sent-by host differs from the
    /// source (or the Via asked for rport), and `rport=<source port>` when the Via carried a bare `rport`.
    /// Responses built from the request (`makeResponse`) copy the stamped Via. Unparsable Vias stay as they are.
    public func stampingReceived(host: String, port: Int) -> SIPRequest {
        guard let first = headers.fields.firstIndex(where: { SIPHeaders.matches($0.name, "Via") }) else { return self }
        let value = headers.fields[first].value
        let bytes = Array(value.utf8)
        guard let elements = SIPBytes.splitElements(bytes, 0..<bytes.count), let top = elements.first,
            var via = SIPVia.parse(bytes, top)
        else { return self }
        let wantsRport = via.rport == .some(nil)
        guard wantsRport || via.host != host else { return self }
        via.received = host
        if wantsRport { via.setRport(port) }
        let rest = String(decoding: bytes[top.upperBound...], as: UTF8.self)
        var stamped = SIPHeaders()
        stamped.reserveCapacity(headers.count)
        for (index, field) in headers.fields.enumerated() {
            stamped.appendField(index == first ? SIPHeaders.Field(name: field.name, value: via.serialized + rest) : field)
        }
        var request = self
        request.headers = stamped
        return request
    }
}
