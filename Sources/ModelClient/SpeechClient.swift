// ModelClient: the provider's OpenAI-compatible text-to-speech endpoint, `POST {baseURL}/audio/speech`
// (`{"model", "input", "voice", "response_format", "speed"}`), over AsyncHTTPClient as the chat client. The
// reply is WAV (any rate; streaming writers' placeholder lengths accepted) or, when the body is not RIFF, raw
// 16-bit little-endian PCM at the profile's audio rate (OpenAI's `pcm` format: 24 kHz mono). One attempt per
// call, bounded by `timeout`; the caller falls back (espeak-ng) on any error.
import AsyncHTTPClient
public import Audio
import Foundation
public import Logging
import NIOCore

/// Speaks text through `/v1/audio/speech`. Call `shutdown()` when done.
public final class SpeechClient: Sendable {
    public let provider: ProviderConfiguration
    /// The whole request (connect, reply, body) must finish within this.
    public let timeout: Duration
    let http: HTTPClient
    let logger: Logger

    public init(provider: ProviderConfiguration, timeout: Duration = .seconds(10), logger: Logger = Logger(label: "switchboard.speech")) {
        self.provider = provider
        self.timeout = timeout
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        let connect = min(timeout, .seconds(3))
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .nanoseconds(Int64(connect.components.seconds * 1_000_000_000 + connect.components.attoseconds / 1_000_000_000)))
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// The request body sent for `text` (pure; tests compare it).
    public static func requestBody(text: String, model: String, voice: String, speed: Double?) -> [UInt8] {
        var body: [String: Any] = ["model": model, "input": text, "voice": voice, "response_format": "wav"]
        if let speed { body["speed"] = (speed * 100).rounded() / 100 }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Array(data)
    }

    /// The audio of a reply body: WAV when it starts with RIFF, else 16-bit LE mono PCM at `pcmSampleRate`.
    public static func decodeAudio(_ body: [UInt8], pcmSampleRate: Int) throws(ModelClientError) -> WAVAudio {
        guard !body.isEmpty else { throw ModelClientError(.malformedResponse, "the speech reply has no audio") }
        if body.count >= 4, body[0] == 0x52, body[1] == 0x49, body[2] == 0x46, body[3] == 0x46 {
            do {
                return try WAVParser.parse(body)
            } catch {
                throw ModelClientError(.malformedResponse, "the speech reply is not a usable WAV file: \(error)")
            }
        }
        if body.first == UInt8(ascii: "{") || body.first == UInt8(ascii: "<") {
            throw ModelClientError(.malformedResponse, "the speech reply is text, not audio")
        }
        var samples = [Int16](repeating: 0, count: body.count / 2)
        for index in samples.indices {
            samples[index] = Int16(bitPattern: UInt16(body[2 * index]) | UInt16(body[2 * index + 1]) << 8)
        }
        return WAVAudio(sampleRate: pcmSampleRate, samples: samples)
    }

    /// Synthesizes `text`; mono samples at the reply's own rate.
    public func speech(text: String, model: String, voice: String, speed: Double?) async throws(ModelClientError) -> WAVAudio {
        var request = HTTPClientRequest(url: provider.baseURL + "/audio/speech")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "audio/wav, audio/pcm, application/octet-stream")
        if let key = provider.apiKey { request.headers.add(name: "authorization", value: "Bearer \(key)") }
        for (name, value) in provider.profile.extraHeaders { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: Self.requestBody(text: text, model: model, voice: voice, speed: speed)))
        let deadline = NIODeadline.now() + .nanoseconds(
            Int64(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
        let status: Int
        var bytes: [UInt8] = []
        do {
            let response = try await http.execute(request, deadline: deadline, logger: logger)
            status = Int(response.status.code)
            for try await buffer in response.body {
                guard bytes.count + buffer.readableBytes <= 64 << 20 else {
                    throw ModelClientError(.malformedResponse, "the speech reply exceeds 64 MB")
                }
                bytes += buffer.readableBytesView
            }
        } catch let error as ModelClientError {
            throw error
        } catch {
            if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
                throw ModelClientError(.idleTimeout, "the speech endpoint did not answer within \(timeout)", retryable: true)
            }
            throw ChatModelClient.transportError(error)
        }
        guard (200..<300).contains(status) else {
            throw ChatModelClient.httpError(
                status: status, header: { _ in nil }, body: bytes, model: model, provider: provider)
        }
        let audio = try Self.decodeAudio(bytes, pcmSampleRate: provider.profile.audioSampleRate)
        guard audio.sampleRate > 0 else { throw ModelClientError(.malformedResponse, "the speech reply has no sample rate") }
        return audio
    }
}
