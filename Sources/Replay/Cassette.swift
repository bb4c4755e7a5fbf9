// Replay: the model exchanges of one recorded call, in the real wire format (docs/fixtures.md).
import Flows
public import Foundation
public import SwitchboardCore

/// One recorded response: status, headers and the body with the timing of each network read.
public struct CassetteResponse: Sendable, Equatable {
    public struct Chunk: Codable, Sendable, Equatable {
        public var offset: Int
        public var length: Int
        public var atMs: Int

        enum CodingKeys: String, CodingKey {
            case offset, length
            case atMs = "at_ms"
        }

        public init(offset: Int, length: Int, atMs: Int) {
            self.offset = offset
            self.length = length
            self.atMs = atMs
        }
    }

    struct Meta: Codable {
        var status: Int
        var headers: [String: String]?
        var chunks: [Chunk]
        var stall: Bool?
    }

    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]
    public var chunks: [Chunk]
    /// After the last chunk the server sends nothing more and keeps the connection open.
    public var stalls: Bool

    public init(status: Int, headers: [String: String], body: [UInt8], chunks: [Chunk], stalls: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.chunks = chunks
        self.stalls = stalls
    }

    /// The bytes of each chunk, with its time.
    public var timedChunks: [(atMs: Int, bytes: ArraySlice<UInt8>)] {
        chunks.compactMap { chunk in
            let end = chunk.offset + chunk.length
            guard chunk.offset >= 0, chunk.length >= 0, end <= body.count else { return nil }
            return (chunk.atMs, body[chunk.offset..<end])
        }
    }

    public var isEventStream: Bool {
        headers.first { $0.key.lowercased() == "content-type" }?.value.lowercased().hasPrefix("text/event-stream") ?? false
    }
}

/// One exchange: the recorded request (when the fixture has it) and its response.
public struct CassetteExchange: Sendable {
    public var index: Int
    /// The request body as recorded, audio replaced by file references.
    public var request: [String: JSONValue]?
    public var response: CassetteResponse
}

/// All exchanges of a fixture, in request order.
public struct Cassette: Sendable {
    public var exchanges: [CassetteExchange]

    public init(exchanges: [CassetteExchange]) {
        self.exchanges = exchanges
    }

    /// Reads `folder/NNNN.response.{sse,json}` (and `NNNN.request.json` where present). A missing folder is an
    /// empty cassette: a flow without an agent step needs none.
    public static func load(from folder: URL) throws(ReplayError) -> Cassette {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { return Cassette(exchanges: []) }
        let indexes = Set(names.compactMap { name -> Int? in
            guard name.hasSuffix(".response.json") else { return nil }
            return Int(name.prefix(while: { $0.isNumber }))
        }).sorted()
        var exchanges: [CassetteExchange] = []
        for (position, index) in indexes.enumerated() {
            guard index == position + 1 else {
                throw ReplayError(.cassette, "\(folder.path): exchange \(position + 1) is missing (found \(index))")
            }
            let base = folder.appendingPathComponent(String(format: "%04d", index))
            let metaURL = base.appendingPathExtension("response.json")
            let bodyURL = base.appendingPathExtension("response.sse")
            guard let metaData = try? Data(contentsOf: metaURL) else {
                throw ReplayError(.cassette, "\(metaURL.path): cannot read")
            }
            let meta: CassetteResponse.Meta
            do {
                meta = try JSONDecoder().decode(CassetteResponse.Meta.self, from: metaData)
            } catch {
                throw ReplayError(.cassette, "\(metaURL.path): \(error)")
            }
            let body = (try? Data(contentsOf: bodyURL)).map { [UInt8]($0) } ?? []
            for chunk in meta.chunks where chunk.offset < 0 || chunk.length < 0 || chunk.offset + chunk.length > body.count {
                throw ReplayError(
                    .cassette, "\(metaURL.path): chunk at \(chunk.offset)+\(chunk.length) is outside the \(body.count)-byte body")
            }
            var request: [String: JSONValue]?
            if let data = try? Data(contentsOf: base.appendingPathExtension("request.json")) {
                request = try? JSONDecoder().decode([String: JSONValue].self, from: data)
            }
            let response = CassetteResponse(
                status: meta.status, headers: meta.headers ?? [:], body: body, chunks: meta.chunks,
                stalls: meta.stall ?? false)
            exchanges.append(CassetteExchange(index: index, request: request, response: response))
        }
        return Cassette(exchanges: exchanges)
    }
}
