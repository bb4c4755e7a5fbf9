import Foundation
import Logging
import Testing
@testable import Tools
import SwitchboardCore

/// Shared helpers: the repository's fixtures, unique temp folders, a seeded accounts database.
enum ToolsTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let accountsCSV = repositoryRoot.appendingPathComponent("fixtures/accounts.csv")

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-tools-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh SQLite file in a temp folder, seeded from fixtures/accounts.csv.
    static func seededAccounts() throws -> AccountsDatabase {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("accounts.sqlite").path
        let rows = try AccountsDatabase.seed(csvFile: accountsCSV, into: path)
        #expect(rows == 10)
        return try AccountsDatabase(path: path)
    }

    /// Wednesday 2026-11-25 at `hour`:`minute` UTC.
    static func wednesday(hour: Int, minute: Int = 0) -> Date {
        var components = DateComponents()
        components.year = 2026
        components.month = 11
        components.day = 25
        components.hour = hour
        components.minute = minute
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        return calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    }

    static func dispatcher(
        accounts: AccountsDatabase?, extra: [ToolDefinition] = [], webhooks: WebhookCaller? = nil,
        limits: ToolDispatcher.Limits = .init(), now: Date = wednesday(hour: 10)
    ) -> ToolDispatcher {
        var registry = ToolRegistry.builtins()
        for definition in extra { registry.add(definition) }
        return ToolDispatcher(
            registry: registry, builtins: BuiltinTools(accounts: accounts, now: { now }), webhooks: webhooks,
            limits: limits, logger: quietLogger)
    }

    /// Error results are logged at `info`; the tests provoke many of them on purpose.
    static let quietLogger: Logger = {
        var logger = Logger(label: "switchboard.tools.test")
        logger.logLevel = .critical
        return logger
    }()

    static func context(caller: String = "+15550100001") -> ToolCallContext {
        ToolCallContext(callID: "call-\(UUID().uuidString.prefix(8))", callerNumber: caller)
    }
}

extension ToolDispatcher {
    /// Runs one call and returns its result value and the new context.
    func one(_ name: String, _ arguments: String, _ context: ToolCallContext, id: String = "call_1") async
        -> (value: JSONValue, result: ToolResult, context: ToolCallContext, record: ToolCallRecord)
    {
        let outcome = await dispatch([ToolCall(id: id, name: name, argumentsText: arguments)], context: context)
        return (outcome.results[0].value, outcome.results[0], outcome.context, outcome.records[0])
    }
}
