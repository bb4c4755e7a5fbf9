import Foundation
import Testing
@testable import SIP

/// Walks every RFC 4475 torture message and checks the front door does what MANIFEST.tsv says.
@Suite struct RFC4475Tests {
    struct Row: Sendable, CustomStringConvertible {
        let file: String
        let section: String
        let kind: String
        let what: String
        var description: String { file }
    }

    enum Expected: Equatable {
        case accept  // request or response passed on (405 allowed for methods we don't serve)
        case reply(Int)
        case drop
    }

    static func folder() throws -> URL {
        try #require(Bundle.module.url(forResource: "rfc4475", withExtension: nil))
    }

    static func rows() throws -> [Row] {
        let text = try String(contentsOf: folder().appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return columns.count == 4 ? Row(file: columns[0], section: columns[1], kind: columns[2], what: columns[3]) : nil
        }
    }

    static func expected(_ row: Row) -> Expected {
        let what = row.what
        if what.hasPrefix("drop") { return .drop }
        if what.contains("505") { return .reply(505) }
        if what.contains("416") { return .reply(416) }
        if what.contains("420") { return .reply(420) }
        if what.contains("415") { return .reply(415) }
        if what.contains("406") { return .reply(406) }
        if what.contains("405") { return .reply(405) }
        if what.hasPrefix("reject (400)") || what.hasPrefix("400") { return .reply(400) }
        return .accept
    }

    @Test func manifestCoversEveryFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder().path).filter { $0.hasSuffix(".dat") }
        let rows = try Self.rows()
        #expect(rows.count == 49)
        #expect(Set(files) == Set(rows.map(\.file)))
    }

    @Test(arguments: try RFC4475Tests.rows())
    func torture(_ row: Row) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.folder().appendingPathComponent(row.file)))
        let outcome = SIPFrontDoor().receive(bytes, toTag: "uas-tag")
        let expected = Self.expected(row)
        switch (expected, outcome) {
        case (.accept, .request(let request)):
            #expect(row.kind != "invalid")
            _ = request.serialized()
        case (.accept, .response):
            #expect(row.kind != "invalid")
        case (.accept, .reply(let response)):
            // Valid messages with a method we do not serve (REGISTER, MESSAGE, unknown) get 405 + Allow.
            #expect(response.statusCode == 405, "\(row.file): \(response.statusCode) \(response.reason)")
            #expect(response.headers["Allow"] != nil)
        case (.reply(let code), .reply(let response)):
            #expect(response.statusCode == code, "\(row.file): got \(response.statusCode) \(response.reason)")
            switch code {
            case 405: #expect(response.headers["Allow"] != nil)
            case 415, 406: #expect(response.headers["Accept"] != nil)
            case 420: #expect(response.headers["Unsupported"] != nil)
            default: break
            }
            // Every reply is itself a parseable response carrying the request's Via.
            let reparsed = try SIPParser.parse(response.serialized())
            #expect(reparsed.response?.headers["Via"] != nil)
        case (.drop, .drop):
            break
        default:
            Issue.record("\(row.file) (\(row.what)): expected \(expected), got \(outcome)")
        }
    }

    @Test func specificParses() throws {
        func load(_ name: String) throws -> SIPMessage {
            try SIPParser.parse([UInt8](Data(contentsOf: Self.folder().appendingPathComponent(name))))
        }
        let wsinv = try #require(try load("wsinv.dat").request)
        #expect(wsinv.headers.to?.tag == "1918181833n")
        #expect(wsinv.headers.from?.displayName == "J Rosenberg \\\"")
        #expect(wsinv.headers.maxForwards == 68)
        #expect(wsinv.cseq == SIPCSeq(9, .invite))
        #expect(wsinv.headers.vias?.count == 3)
        #expect(wsinv.headers.vias?[1].branch == "z9hG4bK9ikj8")
        #expect(wsinv.headers["NewFangledHeader"] == "newfangled value continued newfangled value")
        #expect(wsinv.body.count == 150)
        let esc01 = try #require(try load("esc01.dat").request)
        #expect(esc01.uri.user == "sips:user@example.com")
        let semi = try #require(try load("semiuri.dat").request)
        #expect(semi.uri.user == "user;par=u@example.net")
        #expect(semi.uri.host == "example.com")
        let dbl = try #require(try load("dblreq.dat").request)
        #expect(dbl.method == .register)
        #expect(dbl.body.isEmpty)
        let intmeth = try #require(try load("intmeth.dat").request)
        #expect(intmeth.method.rawValue == "!interesting-Method0123456789_*+`.%indeed'~")
        #expect(intmeth.uri.password == "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        let noreason = try #require(try load("noreason.dat").response)
        #expect(noreason.statusCode == 100 && noreason.reason.isEmpty)
        let inv2543 = try #require(try load("inv2543.dat").request)
        #expect(inv2543.headers.from?.tag == nil)
        #expect(!inv2543.body.isEmpty)
        let cparam01 = try #require(try load("cparam01.dat").request)
        #expect(cparam01.headers.contact?.parameters.contains("unknownparam") == true)
        #expect(cparam01.headers.contact?.uri.parameters.isEmpty == true)
        let cparam02 = try #require(try load("cparam02.dat").request)
        #expect(cparam02.headers.contact?.uri.parameters.contains("unknownparam") == true)
    }

    @Test(arguments: ["wsinv.dat", "esc01.dat", "lwsdisp.dat", "longreq.dat", "semiuri.dat", "transports.dat", "unreason.dat", "inv2543.dat"])
    func roundTrip(_ file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.folder().appendingPathComponent(file)))
        let first = try SIPParser.parse(bytes)
        let second = try SIPParser.parse(first.serialized())
        #expect(first.body == second.body)
        #expect(first.headers.fields.filter { $0.name != "Content-Length" } == second.headers.fields.filter { $0.name != "Content-Length" })
        #expect(try SIPParser.parse(second.serialized()) == second)
    }
}
