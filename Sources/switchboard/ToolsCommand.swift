// `switchboard tools call NAME 'JSON'` runs one tool outside a call (for people wiring tools up);
// `switchboard tools seed` creates the accounts database from the CSV. Both default to the configuration's
// `tools.accounts_db` / `tools.accounts_csv` (the files `serve` uses). With --flow the tools come from CallWiring's
// `ToolDispatcher.forFlow`, exactly as in a call (with the configuration's `routes:` overrides).
import ArgumentParser
import CallWiring
import Flows
import Foundation
import Logging
import Server
import Tools
import SwitchboardCore

struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools", abstract: "Run a tool by hand, or seed the demo accounts database.",
        subcommands: [Call.self, Seed.self])

    struct Call: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one tool call and print its JSON result.",
            discussion: """
                Without --flow the built-ins (lookup_account, verify_caller, transfer_call, end_call) are available; \
                with --flow the flow's declared tools and routes are. Webhook hosts must be allowed with --allow-host. \
                Exit status 0 for a normal result, 1 for an error result.
                """)

        @Argument(help: "Tool name, e.g. lookup_account.")
        var name: String

        @Argument(help: "Arguments as a JSON object.")
        var arguments: String = "{}"

        @Option(help: "A flow file whose tools: and routes: are used.")
        var flow: String?

        @OptionGroup var configFile: ConfigurationOption

        @Option(
            name: .customLong("accounts-db"),
            help: "SQLite file with the accounts table (default: the configuration's tools.accounts_db).")
        var accountsDB: String?

        @Option(help: "The caller's number, as a call would pass it.")
        var caller: String = "+15550100001"

        @Option(help: "Treat the caller as verified for this account number.")
        var verifiedAccount: String?

        @Option(help: "Evaluate business hours at this ISO 8601 time instead of now.")
        var at: String?

        @Option(name: .customLong("allow-host"), help: "Allow webhooks to this host (repeatable).")
        var allowHosts: [String] = []

        @Flag(help: "Allow webhooks to private and loopback addresses.")
        var allowPrivate = false

        func run() async throws {
            var now = Date()
            if let at {
                guard let parsed = ISO8601DateFormatter().date(from: at) else {
                    throw ValidationError("--at \(at) is not an ISO 8601 time such as 2026-11-25T10:00:00Z")
                }
                now = parsed
            }
            var config = try configFile.load()
            if let accountsDB { config.tools.accountsDB = accountsDB }
            let accounts = try config.openAccounts()
            let client = WebhookCaller.makeHTTPClient()
            let webhooks = WebhookCaller(
                client: client, policy: EgressPolicy(allowedHosts: allowHosts, allowPrivateAddresses: allowPrivate))
            let fixedNow = now
            let dispatcher: ToolDispatcher
            do {
                if let flow {
                    dispatcher = try ToolsCommand.flowDispatcher(
                        path: flow, accounts: accounts, routeTargets: config.routes, webhooks: webhooks, now: { fixedNow })
                } else {
                    dispatcher = ToolDispatcher(
                        registry: .builtins(), builtins: BuiltinTools(accounts: accounts, routing: .demo, now: { fixedNow }),
                        webhooks: webhooks)
                }
            } catch {
                try? await client.shutdown()
                throw error
            }
            var context = ToolCallContext(callID: "cli-\(UUID().uuidString.prefix(8).lowercased())", callerNumber: caller)
            if let verifiedAccount {
                context.verified = true
                context.verifiedAccount = verifiedAccount
            }
            let outcome = await dispatcher.run(ToolCall(id: "call_cli", name: name, argumentsText: arguments), context: context)
            try? await client.shutdown()
            let result = outcome.results[0]
            let record = outcome.records[0]
            print(result.content)
            var summary = "\(name): \(record.durationMs) ms"
            if record.attempts > 0 { summary += ", \(record.attempts) attempt(s)" }
            if let action = result.action { summary += ", action: \(action)" }
            if outcome.context.verified != context.verified { summary += ", caller now verified" }
            FileHandle.standardError.write(Data((summary + "\n").utf8))
            if result.isError { throw ExitCode.failure }
        }
    }

    struct Seed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or refresh the accounts table of a SQLite file from a CSV file.")

        @OptionGroup var configFile: ConfigurationOption

        @Option(name: .customLong("accounts-db"), help: "SQLite file to write (default: tools.accounts_db).")
        var accountsDB: String?

        @Option(help: "CSV with a header row (account_number, phone, name, pin, date_of_birth, balance, ...) (default: tools.accounts_csv).")
        var csv: String?

        func run() async throws {
            let config = try configFile.load()
            let accountsDB = accountsDB ?? config.tools.accountsDB
            let csv = csv ?? config.tools.accountsCSV
            do {
                let rows = try AccountsDatabase.seed(csvFile: URL(fileURLWithPath: csv), into: accountsDB)
                print("seeded \(rows) account(s) into \(accountsDB)")
            } catch {
                FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    // MARK: flow tools

    /// The dispatcher a call of the flow at `path` would use (declared tools, routes, built-in fallbacks).
    static func flowDispatcher(
        path: String, accounts: AccountsDatabase?, routeTargets: [String: String], webhooks: WebhookCaller?,
        now: @escaping @Sendable () -> Date
    ) throws -> ToolDispatcher {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let result = FlowLoader.load(data: data, file: path)
        guard let flow = result.flow else {
            for diagnostic in result.diagnostics { FileHandle.standardError.write(Data("\(diagnostic)\n".utf8)) }
            throw ExitCode.failure
        }
        let dispatcher = ToolDispatcher.forFlow(
            flow, accounts: accounts, routeTargets: routeTargets, webhooks: webhooks, now: now)
        if let problem = ToolRegistry.problems(in: dispatcher.registry.definitions).first {
            throw ValidationError("\(path): \(problem.description)")
        }
        return dispatcher
    }

    /// The tools and routes of a flow file, as a call of it would have them (for `chat --flow`).
    static func loadFlowTools(path: String, routeTargets: [String: String]) throws -> (ToolRegistry, RoutingTable) {
        let dispatcher = try flowDispatcher(path: path, accounts: nil, routeTargets: routeTargets, webhooks: nil, now: { Date() })
        return (dispatcher.registry, dispatcher.builtins.routing)
    }
}
