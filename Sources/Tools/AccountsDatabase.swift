import Foundation
import GRDB
public import SwitchboardCore

/// The customer accounts `lookup_account` and `verify_caller` read: an `accounts` table in a SQLite file.
/// The demo seeds one from `fixtures/accounts.csv` (`seed(csv:into:)`); a real deployment points at its own
/// file, which needs at least the columns `account_number` and `phone` (plus `pin` and/or `date_of_birth` for
/// verification). Every other column is returned by `lookup_account` (sensitive ones only once verified).
/// Opened read-only.
public struct AccountsDatabase: Sendable {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The columns the seeded table has, in order. `balance` is REAL, the others TEXT.
    public static let seedColumns = [
        "account_number", "phone", "name", "pin", "date_of_birth", "balance", "plan", "status",
        "next_appointment", "address", "email",
    ]

    private let queue: DatabaseQueue
    public let path: String

    /// Opens an existing database read-only.
    public init(path: String) throws(Failure) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure(description: "accounts database \(path) does not exist (seed it with `switchboard tools seed`)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "accounts"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let hasTable = try queue.read { db in try db.tableExists("accounts") }
            guard hasTable else { throw Failure(description: "\(path) has no `accounts` table") }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot open accounts database \(path): \(error)")
        }
        self.path = path
    }

    /// The account with this account number, as column → value (blobs left out), or nil.
    public func account(number: String) async throws(Failure) -> [String: JSONValue]? {
        try await fetchOne(sql: "SELECT * FROM accounts WHERE account_number = ? LIMIT 1", arguments: [number])
    }

    /// The account whose `phone` is this number, trying the E.164 spellings of it (`+15550100`, digits only,
    /// and `+1` before a 10-digit North American number).
    public func account(phone: String) async throws(Failure) -> [String: JSONValue]? {
        let candidates = Self.phoneCandidates(phone)
        guard !candidates.isEmpty else { return nil }
        let marks = Array(repeating: "?", count: candidates.count).joined(separator: ",")
        return try await fetchOne(
            sql: "SELECT * FROM accounts WHERE phone IN (\(marks)) LIMIT 1",
            arguments: StatementArguments(candidates))
    }

    static func phoneCandidates(_ phone: String) -> [String] {
        var number = phone.trimmingWhitespace()
        if number.hasPrefix("sip:") || number.hasPrefix("tel:") { number = String(number.dropFirst(4)) }
        if let at = number.firstIndex(of: "@") { number = String(number[..<at]) }
        let digits = String(number.unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
        guard !digits.isEmpty else { return [] }
        var candidates = [phone, "+" + digits, digits]
        if digits.count == 10 { candidates.append("+1" + digits) }
        if digits.hasPrefix("00") { candidates.append("+" + digits.dropFirst(2)) }
        var seen = Set<String>()
        return candidates.filter { seen.insert($0).inserted }
    }

    private func fetchOne(sql: String, arguments: StatementArguments) async throws(Failure) -> [String: JSONValue]? {
        do {
            return try await queue.read { db -> [String: JSONValue]? in
                guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
                var account: [String: JSONValue] = [:]
                for (column, value) in row {
                    switch value.storage {
                    case .null: account[column] = .null
                    case .int64(let int): account[column] = .number(Double(int))
                    case .double(let double): account[column] = .number(double)
                    case .string(let string): account[column] = .string(string)
                    case .blob: break
                    }
                }
                return account
            }
        } catch {
            throw Failure(description: "accounts query failed: \(error)")
        }
    }
}
