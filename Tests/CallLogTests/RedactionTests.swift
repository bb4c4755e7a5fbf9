import Foundation
import Testing

@testable import CallLog
import SwitchboardCore

@Suite struct RedactionTests {
    @Test(arguments: [
        "api_key", "apiKey", "X-API-Key", "Authorization", "password", "db_password", "client_secret", "pin",
        "pin_code", "access_token", "refreshToken", "token", "sip_passwd", "date_of_birth", "dob", "Cookie",
    ])
    func sensitiveKeys(_ key: String) {
        #expect(Redactor.standard.isSensitive(key: key))
    }

    @Test(arguments: ["account", "caller_number", "max_tokens", "text_in_tokens", "spinner", "shipping", "pinned", "author"])
    func ordinaryKeys(_ key: String) {
        #expect(!Redactor.standard.isSensitive(key: key))
    }

    @Test func redactsNestedValuesAndCredentialLookingStrings() throws {
        let input = try JSONValue.parse(
            #"{"account":"42","auth":{"headers":[{"Authorization":"Bearer abc"}],"note":"Bearer xyz123"},"# + #""items":[{"pin":"1234","qty":2}],"key":"sk-proj-abcdefghijk"}"#)
        let output = Redactor.standard.redact(input)
        #expect(output["account"] == "42")
        #expect(output["auth"] == .string(Redactor.marker))
        #expect(output["items"] == [["pin": .string(Redactor.marker), "qty": 2]])
        #expect(output["key"] == .string(Redactor.marker))
        let text = Redactor.standard.redact(text: "webhook said 401 for Bearer s3cr3t-value and sk-live-12345678 ok")
        #expect(!text.contains("s3cr3t-value"))
        #expect(!text.contains("sk-live-12345678"))
        #expect(text.contains("webhook said 401"))
    }

    /// The secret must not reach the database file or its WAL, by any record path.
    @Test func secretsNeverReachTheFile() async throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.path("log.db")
        let secret = "Zq9-very-secret-9qZ"
        let writer = try CallLogWriter(path: path)
        let call = ScriptedCall()
        writer.write(call.body())
        writer.write(
            .toolCall(
                ToolCallRecord(
                    callID: call.id, tool: "webhook", arguments: ["account": "42", "api_key": .string(secret)],
                    result: ["token": .string(secret), "nested": ["password": .string(secret)]],
                    error: "upstream rejected Bearer \(secret)", durationMs: 5, startedAt: Date())))
        writer.write(.event(CallEvent(callID: call.id, at: Date(), kind: .error, data: ["sip_password": .string(secret)])))
        writer.write(
            .modelRequest(
                ModelRequestRecord(
                    callID: call.id, provider: "openai", model: "m", status: "401", startedAt: Date(), durationMs: 3,
                    error: "invalid key sk-\(secret)")))
        writer.write(call.end())
        await writer.close()
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { bytes.append(data) }
        }
        #expect(bytes.count > 4096)
        #expect(bytes.range(of: Data(secret.utf8)) == nil, "the secret reached the file")
        #expect(bytes.range(of: Data("lookup_account".utf8)) != nil, "sanity: ordinary values are in the file")
        let detail = try #require(try await CallLogStore(path: path).call(id: call.id))
        let webhook = try #require(detail.toolCalls.first { $0.tool == "webhook" })
        #expect(webhook.arguments["account"] == "42")
        #expect(webhook.arguments["api_key"] == .string(Redactor.marker))
    }
}
