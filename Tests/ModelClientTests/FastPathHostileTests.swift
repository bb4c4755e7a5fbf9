// ModelClientTests: hand-written chunks that try to fool the fast audio-delta path: escapes in the base64
// (`\/`), whitespace everywhere, keys in any order, a `data` key inside transcript text or at another level,
// duplicate keys, numbers it cannot be sure of, broken JSON, non-audio members. Each must decode exactly as the
// full JSON decoder decodes it, alone and after an odd-byte chunk (carried byte), and the plain ones must
// actually take the fast path.
import Foundation
import ModelClient
import Testing

@Suite struct FastPathHostileTests {
    /// base64 of the bytes 00 01 02 03 FF FE (three samples) and of 0xFFFFFF ("////", with "/").
    static let six = "AAECA//+"
    static let slashes = "////"

    /// (name, chunk JSON, whether the fast path must take it)
    static let cases: [(String, String, Bool)] = [
        ("plain", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}},"finish_reason":null}]}"#, true),
        ("real shape", #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1752134636,"model":"gpt-4o-mini-audio-preview","service_tier":"default","system_fingerprint":"fp_1","choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"x1"}"#, true),
        ("escaped slashes in base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"\/\/\/\/"}}}]}"#, true),
        ("escaped slash mid base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA\/\/+"}}}]}"#, true),
        ("backslash at the end of base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//\"}}}]}"#, false),
        ("escaped backslash in base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA/\\/"}}}]}"#, false),
        ("newline escape in base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAEC\nA//+"}}}]}"#, false),
        ("escaped quote in base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAEC\"A//+"}}}]}"#, false),
        ("unicode escape in base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"\u0041AECA//+"}}}]}"#, false),
        ("whitespace everywhere", " \t{ \"choices\" : [ { \"index\" : 0 , \"delta\" : { \"audio\" : { \"data\" : \"AAECA//+\" , \"transcript\" : \"Hi\" } } } ] } \t", true),
        ("pretty printed", "{\n  \"choices\": [\n    {\n      \"index\": 0,\r\n      \"delta\": {\"audio\": {\"id\": \"audio_1\"}}\n    }\n  ]\n}", true),
        ("keys reordered", #"{"usage":null,"choices":[{"finish_reason":null,"delta":{"audio":{"expires_at":1752138811,"transcript":"Hello","data":"AAECA//+","id":"audio_9"}},"index":0}],"id":"c"}"#, true),
        ("no index", #"{"choices":[{"delta":{"audio":{"data":"AAECA//+"}}}]}"#, true),
        ("data inside transcript text", #"{"choices":[{"index":0,"delta":{"audio":{"transcript":"the data: AAAA key"}}}]}"#, true),
        ("quoted data key inside transcript", #"{"choices":[{"index":0,"delta":{"audio":{"transcript":"say \"data\":\"AAAA\""}}}]}"#, false),
        ("audio data at another level", #"{"extra":{"delta":{"audio":{"data":"AAECA//+"}}},"choices":[{"index":0,"delta":{"data":"AAAA","audio":{"transcript":"x"}}}]}"#, true),
        ("audio inside an ignored array", #"{"choices":[{"index":0,"delta":{"audio":{}},"logprobs":[{"audio":{"data":"AAAA"}}]}]}"#, true),
        ("raw UTF-8 transcript", #"{"choices":[{"index":0,"delta":{"audio":{"transcript":"café 👋 ünïcödé"}}}]}"#, true),
        ("unicode escape in transcript", #"{"choices":[{"index":0,"delta":{"audio":{"transcript":"caf\u00e9"}}}]}"#, false),
        ("escaped key", #"{"choices":[{"index":0,"delta":{"audio":{"d\u0061ta":"AAECA//+"}}}]}"#, false),
        ("escapes in ignored strings", #"{"model":"a\"b\\c\/d\u00e9\n","choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, true),
        ("lone surrogate in ignored string", #"{"model":"\ud800","choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("bad escape in ignored string", #"{"model":"\q","choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("duplicate data", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+","data":"////"}}}]}"#, false),
        ("duplicate ignored key", #"{"model":"a","model":"b","choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, true),
        ("null fields", #"{"choices":[{"index":0,"delta":{"audio":{"id":null,"data":null,"transcript":null,"expires_at":null}}}]}"#, true),
        ("empty fields", #"{"choices":[{"index":0,"delta":{"audio":{"id":"","data":"","transcript":""}}}]}"#, true),
        ("audio null", #"{"choices":[{"index":0,"delta":{"audio":null}}]}"#, false),
        ("expires_at float", #"{"choices":[{"index":0,"delta":{"audio":{"expires_at":1752138811.0}}}]}"#, false),
        ("expires_at string", #"{"choices":[{"index":0,"delta":{"audio":{"expires_at":"1752138811"}}}]}"#, false),
        ("negative expires_at", #"{"choices":[{"index":0,"delta":{"audio":{"expires_at":-5}}}]}"#, true),
        ("exponent elsewhere", #"{"created":1e3,"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("huge number elsewhere", #"{"created":123456789012345678901234567890,"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("fraction elsewhere", #"{"temperature":0.75,"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, true),
        ("leading zero number", #"{"created":0123,"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("index 1", #"{"choices":[{"index":1,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("index -0", #"{"choices":[{"index":-0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, true),
        ("two choices", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}},{"index":1,"delta":{}}]}"#, false),
        ("empty choices", #"{"choices":[]}"#, false),
        ("finish reason", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}},"finish_reason":"stop"}]}"#, false),
        ("usage", #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#, false),
        ("content text", #"{"choices":[{"index":0,"delta":{"content":"Hi","audio":{"data":"AAECA//+"}}}]}"#, false),
        ("content null", #"{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":null,"audio":{"id":"a1","transcript":""}}}]}"#, true),
        ("tool calls", #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}"#, false),
        ("error with choices", #"{"error":{"message":"boom"},"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("error only", #"{"error":{"message":"boom","type":"server_error"}}"#, false),
        ("unpadded base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//"}}}]}"#, false),
        ("padded base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECAw=="}}}]}"#, true),
        ("padding with stray bits", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECAx=="}}}]}"#, false),
        ("inner padding", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AA==AAAA"}}}]}"#, false),
        ("url-safe base64", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA__-"}}}]}"#, false),
        ("not base64 at all", #"{"choices":[{"index":0,"delta":{"audio":{"data":"not base64!"}}}]}"#, false),
        ("data is a number", #"{"choices":[{"index":0,"delta":{"audio":{"data":12}}}]}"#, false),
        ("trailing garbage", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}x"#, false),
        ("trailing comma", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"},}}]}"#, false),
        ("missing brace", #"{"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]"#, false),
        ("raw tab in transcript", "{\"choices\":[{\"index\":0,\"delta\":{\"audio\":{\"transcript\":\"a\tb\"}}}]}", false),
        ("true false literals", #"{"stream":true,"x":false,"y":[null,true,{}],"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, true),
        ("bad literal", #"{"stream":tru,"choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("deep nesting", #"{"x":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + #","choices":[{"index":0,"delta":{"audio":{"data":"AAECA//+"}}}]}"#, false),
        ("top-level array", #"[{"choices":[]}]"#, false),
        ("not JSON", "hello", false),
        ("done marker", "[DONE]", false),
    ]

    @Test(arguments: 0..<cases.count)
    func hostileChunkDecodesAsTheFullDecoderDoes(_ index: Int) throws {
        let (name, json, expectFast) = Self.cases[index]
        // Alone, then after a 3-byte chunk (one byte carried), then followed by more audio.
        let alone = FastPath.sse([json])
        let carried = FastPath.sse([FastPath.probe, json, FastPath.probe])
        let takenAlone = FastPath.expectSame([alone], name)
        let takenCarried = FastPath.expectSame([carried], name + " (carried byte)")
        _ = try FastPath.expectSameChunks(carried, name)
        #expect((takenAlone == 1) == expectFast, "\(name): fast path taken \(takenAlone)")
        // An error event or [DONE] ends the stream: the probe after it is never decoded.
        let endsStream = ["error only", "done marker"].contains(name)
        #expect(takenCarried == (endsStream ? 1 : expectFast ? 3 : 2), "\(name): fast path taken \(takenCarried) with carry")
    }

    @Test func theFastPathAloneGivesTheExpectedValues() throws {
        var decoder = ChatChunkDecoder(pcmSampleRate: 24000)
        let json = Array(try #require(Self.cases.first { $0.0 == "keys reordered" }).1.utf8)
        let outputs = try #require(json.withUnsafeBufferPointer { decoder.decodeAudioDelta($0) })
        #expect(outputs == [
            .audioID("audio_9"), .audio(samples: [0x0100, 0x0302, Int16(bitPattern: 0xFEFF)], sampleRate: 24000),
            .transcriptDelta("Hello"), .audioExpiresAt(1_752_138_811),
        ])
    }
}
