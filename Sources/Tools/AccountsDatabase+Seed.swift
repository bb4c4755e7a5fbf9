public import Foundation
import GRDB

extension AccountsDatabase {
    /// Creates (or refreshes) the `accounts` table in the SQLite file at `path` from CSV text whose header
    /// names columns of `seedColumns` (`account_number` and `phone` are required). Rows with the same
    /// account number are replaced. Returns the number of rows written.
    @discardableResult
    public static func seed(csv text: String, into path: String) throws(Failure) -> Int {
        let table: CSVTable
        do {
            table = try CSVTable(parsing: text)
        } catch {
            throw Failure(description: "accounts CSV: \(error)")
        }
        let known = Set(seedColumns)
        for column in table.header where !known.contains(column) {
            throw Failure(
                description: "accounts CSV: unknown column \"\(column)\" (known: \(seedColumns.joined(separator: ", ")))")
        }
        for required in ["account_number", "phone"] where !table.header.contains(required) {
            throw Failure(description: "accounts CSV: missing column \"\(required)\"")
        }
        let columnList = table.header.joined(separator: ", ")
        let marks = Array(repeating: "?", count: table.header.count).joined(separator: ", ")
        let balanceIndex = table.header.firstIndex(of: "balance")
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in
                try db.execute(sql: createTableSQL)
                try db.execute(sql: "CREATE INDEX IF NOT EXISTS accounts_phone ON accounts(phone)")
                for row in table.rows {
                    var values: [(any DatabaseValueConvertible)?] = []
                    for (index, field) in row.enumerated() {
                        let trimmed = field.trimmingWhitespace()
                        if trimmed.isEmpty {
                            values.append(nil)
                        } else if index == balanceIndex {
                            guard let number = Double(trimmed) else {
                                throw Failure(description: "accounts CSV: balance \"\(trimmed)\" is not a number")
                            }
                            values.append(number)
                        } else {
                            values.append(trimmed)
                        }
                    }
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO accounts (\(columnList)) VALUES (\(marks))",
                        arguments: StatementArguments(values))
                }
            }
            try queue.close()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "cannot seed accounts database \(path): \(error)")
        }
        return table.rows.count
    }

    /// Seeds from a CSV file; see `seed(csv:into:)`.
    @discardableResult
    public static func seed(csvFile: URL, into path: String) throws(Failure) -> Int {
        let text: String
        do {
            text = try String(contentsOf: csvFile, encoding: .utf8)
        } catch {
            throw Failure(description: "cannot read \(csvFile.path): \(error.localizedDescription)")
        }
        return try seed(csv: text, into: path)
    }

    static let createTableSQL = """
        CREATE TABLE IF NOT EXISTS accounts (
            account_number TEXT PRIMARY KEY NOT NULL,
            phone TEXT NOT NULL,
            name TEXT,
            pin TEXT,
            date_of_birth TEXT,
            balance REAL,
            plan TEXT,
            status TEXT,
            next_appointment TEXT,
            address TEXT,
            email TEXT
        )
        """
}
