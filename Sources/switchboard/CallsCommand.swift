// `switchboard calls list|show|prune`: read and trim the call log (SQLite) with the same `--db PATH` as
// `serve`. `calls _crash-writer` is a hidden helper for the crash test (writes calls, then waits to be killed).
import ArgumentParser
import CallLog
import Foundation
import SwitchboardCore

struct CallsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "Read the call log.",
        subcommands: [CallsListCommand.self, CallsShowCommand.self, CallsPruneCommand.self, CallsCrashWriterCommand.self]
    )
}

struct CallLogDatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The call-log SQLite file (as `serve --db`).")
    var db: String = "switchboard.db"

    func store() throws -> CallLogStore {
        do {
            return try CallLogStore(path: db)
        } catch let error as CallLogError {
            throw ValidationError(error.message)
        }
    }
}

struct CallsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List calls, newest first.")

    @OptionGroup var database: CallLogDatabaseOption

    @Option(help: "Only calls started since an age (24h, 7d) or a UTC date (2026-11-27).")
    var since: String?

    @Option(help: "Only calls of this flow.")
    var flow: String?

    @Option(help: "Only calls that ended this way (completed, transferred, caller_hangup, error, interrupted, …) or `live`.")
    var outcome: String?

    @Option(help: "At most this many calls.")
    var limit: Int = 50

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        var filter = CallListFilter(flow: flow, outcome: outcome, limit: limit)
        do {
            filter.since = try since.map { try CallLogTimeSpec.instant($0, now: Date()) }
            let calls = try await database.store().listCalls(filter)
            if json {
                print(String(decoding: try CallLogStore.jsonEncoder().encode(calls), as: UTF8.self))
            } else {
                print(CallLogText.list(calls), terminator: "")
            }
        } catch let error as CallLogError {
            throw ValidationError(error.message)
        }
    }
}

struct CallsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One call: timeline, transcript, tools, model latency and cost.")

    @Argument(help: "The call id (or its first 4+ characters).")
    var id: String

    @OptionGroup var database: CallLogDatabaseOption

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        do {
            guard let detail = try await database.store().call(id: id) else {
                throw ValidationError("no call \(id) in \(database.db)")
            }
            if json {
                print(String(decoding: try CallLogStore.jsonEncoder().encode(detail), as: UTF8.self))
            } else {
                print(CallLogText.detail(detail), terminator: "")
            }
        } catch let error as CallLogError {
            throw ValidationError(error.message)
        }
    }
}

struct CallsPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Delete finished calls older than an age (live calls are kept).")

    @Option(name: .customLong("older-than"), help: "An age: 30d, 12h, 2w.")
    var olderThan: String

    @OptionGroup var database: CallLogDatabaseOption

    func run() async throws {
        do {
            let cutoff = Date().addingTimeInterval(-(try CallLogTimeSpec.age(olderThan)))
            let (removed, recordings) = try await database.store().pruneReturningRecordings(olderThan: cutoff)
            // Recordings go with their calls; a file already gone is not an error.
            var deleted = 0
            for path in recordings where (try? FileManager.default.removeItem(atPath: path)) != nil { deleted += 1 }
            print(
                "pruned \(removed) call\(removed == 1 ? "" : "s") started before \(CallLogTimestamp.format(cutoff))"
                    + (recordings.isEmpty ? "" : " and \(deleted) recording\(deleted == 1 ? "" : "s")"))
        } catch let error as CallLogError {
            throw ValidationError(error.message)
        }
    }
}

/// Hidden: writes `finished` complete calls, starts `live` calls, prints READY once all is committed, then
/// keeps appending events to the live calls until killed. Used by the kill -9 test.
struct CallsCrashWriterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_crash-writer", abstract: "Test helper: write calls, then wait to be killed.", shouldDisplay: false)

    @OptionGroup var database: CallLogDatabaseOption

    @Option var finished = 10
    @Option var live = 20

    func run() async throws {
        let writer = try CallLogWriter(path: database.db)
        let now = Date()
        for index in 0..<finished {
            let id = "finished-\(index)"
            writer.write(.started(CallStarted(callID: id, at: now, caller: "+1555000\(index)", callee: "+1555999", bridge: "sip", flow: "crash")))
            for step in 0..<10 {
                writer.write(.event(CallEvent(callID: id, at: now, kind: .stepEntered, data: ["step": .number(Double(step))])))
            }
            writer.write(.turn(TurnRecord(callID: id, role: .caller, transcript: "hello", audioMs: 900, startedAt: now)))
            writer.write(.ended(CallEnded(callID: id, at: now.addingTimeInterval(1), reason: .completed)))
        }
        for index in 0..<live {
            writer.write(.started(CallStarted(callID: "live-\(index)", at: now, caller: "+1444000\(index)", callee: "+1555999", bridge: "sip", flow: "crash")))
        }
        await writer.flush()
        FileHandle.standardOutput.write(Data("READY\n".utf8))
        var tick = 0
        while true {
            for index in 0..<live {
                writer.write(.event(CallEvent(callID: "live-\(index)", at: Date(), kind: .dtmf, data: ["tick": .number(Double(tick))])))
            }
            tick += 1
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
