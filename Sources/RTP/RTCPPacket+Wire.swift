extension RTCPPacket {
    /// Parses a compound RTCP datagram. Unknown packet types (APP, feedback …) are skipped, not fatal;
    /// a bad version or a length that overruns the datagram throws.
    public static func parseCompound(_ bytes: [UInt8]) throws(RTPError) -> [RTCPPacket] {
        var packets: [RTCPPacket] = []
        var offset = 0
        guard bytes.count >= 4 else { throw .truncated }
        while offset < bytes.count {
            guard bytes.count - offset >= 4 else { throw .truncated }
            let version = bytes[offset] >> 6
            guard version == 2 else { throw .badVersion(version) }
            let count = Int(bytes[offset] & 0x1F)
            let type = bytes[offset + 1]
            let length = 4 * (Int(bytes.loadBE16(at: offset + 2)) + 1)
            guard offset + length <= bytes.count else { throw .badLength }
            let body = Array(bytes[(offset + 4)..<(offset + length)])
            switch type {
            case typeSR: packets.append(.senderReport(try parseSR(body, count: count)))
            case typeRR: packets.append(.receiverReport(try parseRR(body, count: count)))
            case typeSDES: packets.append(.sourceDescription(try parseSDES(body, count: count)))
            case typeBYE: packets.append(.bye(try parseBye(body, count: count)))
            default: break
            }
            offset += length
        }
        return packets
    }

    /// Serializes one RTCP packet (append several to build a compound datagram).
    public func serialized() throws(RTPError) -> [UInt8] {
        var body: [UInt8] = []
        let count: Int
        let type: UInt8
        switch self {
        case .senderReport(let sr):
            guard sr.reports.count <= 31 else { throw .fieldOutOfRange }
            type = Self.typeSR
            count = sr.reports.count
            body.appendBE32(sr.ssrc)
            body.appendBE32(UInt32(truncatingIfNeeded: sr.ntpTimestamp >> 32))
            body.appendBE32(UInt32(truncatingIfNeeded: sr.ntpTimestamp))
            body.appendBE32(sr.rtpTimestamp)
            body.appendBE32(sr.packetCount)
            body.appendBE32(sr.octetCount)
            for r in sr.reports { Self.append(r, to: &body) }
        case .receiverReport(let rr):
            guard rr.reports.count <= 31 else { throw .fieldOutOfRange }
            type = Self.typeRR
            count = rr.reports.count
            body.appendBE32(rr.ssrc)
            for r in rr.reports { Self.append(r, to: &body) }
        case .sourceDescription(let chunks):
            guard chunks.count <= 31 else { throw .fieldOutOfRange }
            type = Self.typeSDES
            count = chunks.count
            for chunk in chunks {
                let name = Array(chunk.cname.utf8.prefix(255))
                body.appendBE32(chunk.ssrc)
                body.append(1)  // CNAME
                body.append(UInt8(name.count))
                body.append(contentsOf: name)
                body.append(0)  // end of items
                while body.count % 4 != 0 { body.append(0) }
            }
        case .bye(let bye):
            guard bye.sources.count <= 31 else { throw .fieldOutOfRange }
            type = Self.typeBYE
            count = bye.sources.count
            for s in bye.sources { body.appendBE32(s) }
            if let reason = bye.reason {
                let text = Array(reason.utf8.prefix(255))
                body.append(UInt8(text.count))
                body.append(contentsOf: text)
                while body.count % 4 != 0 { body.append(0) }
            }
        }
        var out: [UInt8] = [0x80 | UInt8(count), type]
        out.appendBE16(UInt16(body.count / 4))
        out.append(contentsOf: body)
        return out
    }

    /// Serializes several packets into one compound datagram.
    public static func serializeCompound(_ packets: [RTCPPacket]) throws(RTPError) -> [UInt8] {
        var out: [UInt8] = []
        for p in packets { out.append(contentsOf: try p.serialized()) }
        return out
    }

    private static func append(_ r: ReportBlock, to body: inout [UInt8]) {
        body.appendBE32(r.ssrc)
        let lost = UInt32(bitPattern: max(-0x80_0000, min(0x7F_FFFF, r.cumulativeLost))) & 0x00FF_FFFF
        body.appendBE32(UInt32(r.fractionLost) << 24 | lost)
        body.appendBE32(r.extendedHighestSequence)
        body.appendBE32(r.jitter)
        body.appendBE32(r.lastSR)
        body.appendBE32(r.delaySinceLastSR)
    }

    private static func parseBlocks(_ body: [UInt8], from start: Int, count: Int) throws(RTPError) -> [ReportBlock] {
        guard body.count >= start + 24 * count else { throw .badLength }
        var blocks: [ReportBlock] = []
        for i in 0..<count {
            let o = start + 24 * i
            let word = body.loadBE32(at: o + 4)
            var lost = Int32(bitPattern: word & 0x00FF_FFFF)
            if lost & 0x80_0000 != 0 { lost -= 0x100_0000 }
            blocks.append(
                ReportBlock(
                    ssrc: body.loadBE32(at: o), fractionLost: UInt8(word >> 24), cumulativeLost: lost,
                    extendedHighestSequence: body.loadBE32(at: o + 8), jitter: body.loadBE32(at: o + 12),
                    lastSR: body.loadBE32(at: o + 16), delaySinceLastSR: body.loadBE32(at: o + 20)))
        }
        return blocks
    }

    private static func parseSR(_ body: [UInt8], count: Int) throws(RTPError) -> SenderReport {
        guard body.count >= 24 else { throw .badLength }
        let ntp = UInt64(body.loadBE32(at: 4)) << 32 | UInt64(body.loadBE32(at: 8))
        return SenderReport(
            ssrc: body.loadBE32(at: 0), ntpTimestamp: ntp, rtpTimestamp: body.loadBE32(at: 12),
            packetCount: body.loadBE32(at: 16), octetCount: body.loadBE32(at: 20),
            reports: try parseBlocks(body, from: 24, count: count))
    }

    private static func parseRR(_ body: [UInt8], count: Int) throws(RTPError) -> ReceiverReport {
        guard body.count >= 4 else { throw .badLength }
        return ReceiverReport(ssrc: body.loadBE32(at: 0), reports: try parseBlocks(body, from: 4, count: count))
    }

    private static func parseSDES(_ body: [UInt8], count: Int) throws(RTPError) -> [SDESChunk] {
        var chunks: [SDESChunk] = []
        var o = 0
        for _ in 0..<count {
            guard body.count >= o + 4 else { throw .badLength }
            let ssrc = body.loadBE32(at: o)
            o += 4
            var cname = ""
            while o < body.count, body[o] != 0 {
                guard o + 1 < body.count else { throw .badLength }
                let itemType = body[o]
                let len = Int(body[o + 1])
                guard o + 2 + len <= body.count else { throw .badLength }
                if itemType == 1 { cname = String(decoding: body[(o + 2)..<(o + 2 + len)], as: UTF8.self) }
                o += 2 + len
            }
            o += 1
            while o % 4 != 0 { o += 1 }
            chunks.append(SDESChunk(ssrc: ssrc, cname: cname))
        }
        return chunks
    }

    private static func parseBye(_ body: [UInt8], count: Int) throws(RTPError) -> Bye {
        guard body.count >= 4 * count else { throw .badLength }
        var sources: [UInt32] = []
        for i in 0..<count { sources.append(body.loadBE32(at: 4 * i)) }
        var reason: String?
        let o = 4 * count
        if o < body.count {
            let len = Int(body[o])
            guard o + 1 + len <= body.count else { throw .badLength }
            reason = String(decoding: body[(o + 1)..<(o + 1 + len)], as: UTF8.self)
        }
        return Bye(sources: sources, reason: reason)
    }
}
