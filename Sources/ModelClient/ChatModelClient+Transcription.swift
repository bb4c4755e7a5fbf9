// ModelClient: caller transcripts through the provider's `POST {base}/audio/transcriptions` (multipart: `file`,
// `model`, optional `language`; the answer is `{"text": ...}`). Used off the call's critical path: a failure
// only means the turn has no transcript.
import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchboardCore

extension ChatModelClient {
    /// The text of `wav` (a 16-bit mono WAV file) by `model`. Throws a `ModelClientError`.
    public func transcribe(
        wav: [UInt8], model: String, language: String? = nil, timeout: Duration = .seconds(20)
    ) async throws -> String {
        let boundary = "switchboard-\(UUID().uuidString)"
        var body: [UInt8] = []
        func field(_ name: String, _ value: String) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("model", model)
        if let language, !language.isEmpty { field("language", String(language.prefix(2)).lowercased()) }
        field("response_format", "json")
        body += Array(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"caller.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
                .utf8)
        body += wav
        body += Array("\r\n--\(boundary)--\r\n".utf8)

        var request = HTTPClientRequest(url: provider.baseURL + "/audio/transcriptions")
        request.method = .POST
        request.headers.add(name: "content-type", value: "multipart/form-data; boundary=\(boundary)")
        request.headers.add(name: "accept", value: "application/json")
        if let key = provider.apiKey { request.headers.add(name: "authorization", value: "Bearer \(key)") }
        for (name, value) in provider.profile.extraHeaders { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.totalNanoseconds)), logger: logger)
            let bytes = Array((try await response.body.collect(upTo: 1 << 20)).readableBytesView)
            let status = Int(response.status.code)
            guard (200..<300).contains(status) else {
                throw Self.httpError(
                    status: status, header: { response.headers.first(name: $0) }, body: bytes, model: model,
                    provider: provider)
            }
            guard let json = try? JSONValue.parse(Data(bytes)), let text = json["text"]?.stringValue else {
                throw ModelClientError(.malformedResponse, "the transcription reply has no `text`")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch let error as ModelClientError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Self.transportError(error)
        }
    }
}
