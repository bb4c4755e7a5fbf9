// A dialog (RFC 3261 §12): identity, sequence numbers, remote target and route set; builds in-dialog
// requests and recognises incoming ones.

/// Dialog identity: Call-ID + local tag + remote tag.
public struct SIPDialogID: Sendable, Hashable, CustomStringConvertible {
    public var callID: String
    public var localTag: String
    public var remoteTag: String

    public init(callID: String, localTag: String, remoteTag: String) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
    }

    /// The dialog an incoming in-dialog request belongs to (our tag is in To, theirs in From).
    public static func incoming(_ request: SIPRequest) -> SIPDialogID? {
        guard let callID = request.callID, let local = request.to?.tag else { return nil }
        return SIPDialogID(callID: callID, localTag: local, remoteTag: request.from?.tag ?? "")
    }

    public var description: String { "\(callID);local=\(localTag);remote=\(remoteTag)" }
}

/// Dialog state shared by UAC and UAS.
public struct SIPDialog: Sendable, Hashable {
    public var id: SIPDialogID
    /// Our From/To URI (with display name) without tag.
    public var localURI: SIPNameAddress
    public var remoteURI: SIPNameAddress
    /// Last CSeq we used; the next request uses `localSequence + 1`.
    public var localSequence: UInt32
    /// Highest CSeq seen from the remote (nil until its first request).
    public var remoteSequence: UInt32?
    /// The remote Contact: the Request-URI of in-dialog requests (loose routing or no route set).
    public var remoteTarget: SIPURI
    /// Route set (Record-Route reversed for a UAC, as received for a UAS).
    public var routeSet: [SIPNameAddress]
    /// Our Contact URI.
    public var localContact: SIPURI

    /// The dialog a UAS creates when it answers `request` (an INVITE) with tag `localTag`.
    public static func uas(request: SIPRequest, localTag: String, localContact: SIPURI, localSequence: UInt32 = 1) -> SIPDialog? {
        guard let callID = request.callID, let from = request.from, let to = request.to, let cseq = request.cseq else { return nil }
        var localURI = to
        localURI.parameters.set("tag", nil)
        var remoteURI = from
        remoteURI.parameters.set("tag", nil)
        return SIPDialog(
            id: SIPDialogID(callID: callID, localTag: localTag, remoteTag: from.tag ?? ""),
            localURI: localURI, remoteURI: remoteURI, localSequence: localSequence,
            remoteSequence: cseq.sequence, remoteTarget: request.headers.contact?.uri ?? request.uri.withoutParameters(),
            routeSet: request.headers.recordRoutes ?? [], localContact: localContact)
    }

    /// The dialog a UAC creates from its INVITE and a 2xx/1xx response with a To tag.
    public static func uac(request: SIPRequest, response: SIPResponse, localContact: SIPURI) -> SIPDialog? {
        guard let callID = request.callID, let from = request.from, let localTag = from.tag, let to = response.to,
            let remoteTag = to.tag, let cseq = request.cseq
        else { return nil }
        var localURI = from
        localURI.parameters.set("tag", nil)
        var remoteURI = to
        remoteURI.parameters.set("tag", nil)
        return SIPDialog(
            id: SIPDialogID(callID: callID, localTag: localTag, remoteTag: remoteTag),
            localURI: localURI, remoteURI: remoteURI, localSequence: cseq.sequence, remoteSequence: nil,
            remoteTarget: response.headers.contact?.uri ?? request.uri,
            routeSet: (response.headers.recordRoutes ?? []).reversed(), localContact: localContact)
    }

    /// Request-URI, Route headers and next hop of the dialog's next request.
    public var route: SIPRoute { SIPRoute(remoteTarget: remoteTarget, routeSet: routeSet) }

    /// Where in-dialog requests are sent when the dialog has a route set (the first route's address, RFC 3261
    /// §12.2.1.1, §8.1.2), nil without one (then the user agent picks: the peer's address).
    public var routeDestination: SIPEndpoint? { routeSet.first.map { SIPEndpoint(uri: $0.uri) } }

    /// Whether `request` belongs to this dialog.
    public func matches(_ request: SIPRequest) -> Bool { SIPDialogID.incoming(request) == id }

    /// Checks and records the remote CSeq (RFC 3261 §12.2.2): false means "answer 500" (out of order).
    public mutating func acceptRemoteSequence(_ request: SIPRequest) -> Bool {
        guard let cseq = request.cseq else { return false }
        if request.method == .ack || request.method == .cancel { return true }
        if let remoteSequence, cseq.sequence <= remoteSequence { return false }
        remoteSequence = cseq.sequence
        return true
    }

    /// Builds an in-dialog request (BYE, re-INVITE, INFO, REFER, NOTIFY, OPTIONS …). Increments the local
    /// CSeq except for ACK/CANCEL, which reuse `sequence`.
    public mutating func makeRequest(
        _ method: SIPMethod, via: SIPVia, sequence: UInt32? = nil, headers extra: SIPHeaders = SIPHeaders(), body: [UInt8] = [],
        contentType: String? = nil
    ) -> SIPRequest {
        let number: UInt32
        if let sequence {
            number = sequence
        } else {
            localSequence &+= 1
            number = localSequence
        }
        var headers = SIPHeaders()
        headers.add("Via", via.serialized)
        headers.add("Max-Forwards", "70")
        var from = localURI
        from.tag = id.localTag
        var to = remoteURI
        if !id.remoteTag.isEmpty { to.tag = id.remoteTag }
        headers.add("From", from.serialized)
        headers.add("To", to.serialized)
        headers.add("Call-ID", id.callID)
        headers.add("CSeq", SIPCSeq(number, method).serialized)
        // Loose or strict routing (RFC 3261 §12.2.1.1): see `SIPRoute`.
        let route = self.route
        for value in route.routes { headers.add("Route", value.serialized) }
        if method != .ack && method != .cancel { headers.add("Contact", SIPNameAddress(uri: localContact).serialized) }
        for field in extra.fields { headers.appendField(field) }
        if let contentType, !body.isEmpty { headers.add("Content-Type", contentType) }
        return SIPRequest(method: method, uri: route.requestURI, headers: headers, body: body)
    }
}

extension SIPURI {
    /// The URI without parameters and headers (fallback remote target).
    func withoutParameters() -> SIPURI {
        var copy = self
        copy.parameters = []
        copy.headers = []
        return copy
    }
}
